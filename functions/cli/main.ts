import { parseArgs } from 'node:util';
import { ConfigurationError } from '../core/errors';
import { PortInUseError } from '../local/platform';
import { catalogCommand } from './commands/catalog';
import { eventsPutCommand, eventsReplayCommand, eventsTailCommand } from './commands/events';
import { productCreateCommand } from './commands/product-create';
import { productShowCommand, productsCommand } from './commands/products';
import { queryCommand } from './commands/query';
import { startCommand } from './commands/start';
import { statusCommand } from './commands/status';
import {
  deliveriesCommand,
  rotateSecretCommand,
  subscribeCommand,
  subscriptionsCommand,
  unsubscribeCommand,
} from './commands/subscriptions';
import { validateCommand } from './commands/validate';
import { PlatformNotRunningError } from './local-connection';
import { consoleOutput, type Output, UsageError } from './output';

const HELP = `mesh — the data mesh platform's command line (talks to the local platform by default)

  mesh start                      run the whole platform on this machine (what npm start does)
  mesh status [--json]            local endpoints, state folder and health
  mesh products [--json]          registered data products
  mesh product show <id> [--json] contract summary, locations, versions with verdicts
  mesh product create <metadata.json> [--json]
                                  write a new product folder (generated contract + README) into the
                                  data repo, push it, and show the registration result
  mesh validate [dir] [--base <git-ref>] [--json]
                                  validate contracts and CSV files on disk (exit 1 on errors); with
                                  --base, also refuse breaking schema changes without a major version
  mesh events put <file> [--json] put events on the local bus (PutEvents entries or EventBridge envelopes)
  mesh events tail [--json] [--lines N] [--no-follow]
                                  recent events on the bus, then new ones as they arrive
  mesh events replay [--json]     re-deliver dead-lettered events to the rules that gave up on them
  mesh query "<sql>" [--json]     SQL over every registered product (each a table named after it, and
                                  <product>_v<major>), with DuckDB on the current files
  mesh catalog [--json]           what the catalog holds (the embedded one; DATAHUB_GMS_URL → DataHub)
  mesh subscribe <product | domain:<name>> --webhook URL | --slack URL | --teams URL | --email ADDRESS
                 | --sqs ARN | --eventbridge ARN [--events a,b] [--consumer who] [--json]
                                  be told about a product's changes (the webhook secret is shown once)
  mesh subscriptions [--json]     every subscription
  mesh unsubscribe <id>           delete a subscription
  mesh rotate-secret <id> [--json]
                                  a new signing secret for a webhook subscription, shown once (how a
                                  subscriptions.yaml webhook gets one)
  mesh deliveries [--failed] [--json]
                                  the delivery ledger: subscription, event, attempts, status, last error

Environment: MESH_STATE_DIR (default .mesh), MESH_HTTP_PORT (4580), MESH_S3_PORT (4581),
MESH_DYNAMODB_PORT (4582), MESH_BUCKET (data-mesh-local), MESH_DATA_BRANCH (main).`;

/** Runs one CLI invocation and returns its exit code. */
export const main = async (argv: string[], output: Output = consoleOutput): Promise<number> => {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    output.err(error instanceof Error ? error.message : String(error));
    output.err('Run "mesh help" for usage.');
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, sub, arg] = positionals;
  const json = values.json ?? false;
  try {
    switch (command) {
      case 'start':
        return await startCommand(output);
      case 'status':
        return await statusCommand(output, json);
      case 'products':
        return await productsCommand(output, json);
      case 'product':
        if (sub === 'create') return await productCreateCommand(output, arg, json);
        if (sub !== 'show') {
          throw new UsageError('usage: mesh product show <product-id> | mesh product create <metadata.json>');
        }
        return await productShowCommand(output, arg, json);
      case 'subscribe':
        return await subscribeCommand(output, sub, values, json);
      case 'subscriptions':
        return await subscriptionsCommand(output, json);
      case 'unsubscribe':
        return await unsubscribeCommand(output, sub);
      case 'rotate-secret':
        return await rotateSecretCommand(output, sub, json);
      case 'deliveries':
        return await deliveriesCommand(output, values.failed ?? false, json);
      case 'catalog':
        return await catalogCommand(output, json);
      case 'query':
        return await queryCommand(output, sub, json);
      case 'validate':
        return await validateCommand(output, sub, json, values.base);
      case 'events':
        if (sub === 'put') return await eventsPutCommand(output, arg, json);
        if (sub === 'replay') return await eventsReplayCommand(output, json);
        if (sub === 'tail') {
          return await eventsTailCommand(
            output,
            json,
            Number(values.lines ?? 20),
            !(values['no-follow'] ?? false),
          );
        }
        throw new UsageError('usage: mesh events put <file> | mesh events tail | mesh events replay');
      case undefined:
      case 'help':
        output.out(HELP);
        return 0;
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (error) {
    if (error instanceof UsageError) {
      output.err(error.message);
      output.err('Run "mesh help" for usage.');
      return 2;
    }
    if (
      error instanceof PlatformNotRunningError ||
      error instanceof PortInUseError ||
      error instanceof ConfigurationError
    ) {
      output.err(error.message);
      return 1;
    }
    throw error;
  }
};

const parse = (argv: string[]) =>
  parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: 'boolean' },
      lines: { type: 'string' },
      'no-follow': { type: 'boolean' },
      base: { type: 'string' },
      webhook: { type: 'string' },
      slack: { type: 'string' },
      teams: { type: 'string' },
      email: { type: 'string' },
      sqs: { type: 'string' },
      eventbridge: { type: 'string' },
      events: { type: 'string' },
      consumer: { type: 'string' },
      failed: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
