import { readFileSync } from 'node:fs';
import { App, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as z from '../events/zod';
import type { DataRepoSettings } from './constructs/data-repo';
import { ProducerStack } from './producer/producer-stack';
import { ProcessingStack } from './stacks/processing-stack';
import { StatefulStack } from './stacks/stateful-stack';

export interface BuildAppOptions {
  /**
   * Deployment stage: lowercase letters, digits and hyphens.
   * @default - the `stage` context value, else `dev`
   */
  readonly stage?: string;
  /**
   * Account and region of both stacks.
   * @default - environment-agnostic stacks
   */
  readonly env?: Environment;
  /**
   * Extra context, e.g. `{ 'aws:cdk:bundling-stacks': [] }` to skip bundling in unit tests.
   * @default - none (the CLI passes its own context through the environment)
   */
  readonly context?: Record<string, unknown>;
  /**
   * Cloud assembly directory.
   * @default - the CLI's `cdk.out`, or a temporary directory outside the CLI
   */
  readonly outdir?: string;
}

export interface DataMeshApp {
  readonly app: App;
  readonly stage: string;
  readonly stateful: StatefulStack;
  readonly processing: ProcessingStack;
}

const STAGE = /^[a-z][a-z0-9-]{0,19}$/;

const DataRepoContextSchema = z.object({
  provider: z._default(z.enum(['github', 'gitlab', 'gitea']), 'github'),
  repository: z.optional(z.string()),
  branch: z.optional(z.string()),
  apiUrl: z.optional(z.url()),
  teams: z.optional(z.record(z.string(), z.array(z.string()))),
});

/** Accounts whose producer buckets may forward events and register (CDK context `producerAccounts`). */
const ProducerAccountsSchema = z.array(
  z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
);

const DataHubContextSchema = z.object({
  gmsUrl: z.optional(z.url()),
  env: z.optional(z.string()),
});

/** A JSON context value (cdk.json or `-c name='{…}'`): an object or its text, parsed with its schema. */
const contextObject = <S extends z.ZodMiniType>(schema: S, name: string, value: unknown): z.infer<S> => {
  const parsed = schema.safeParse(typeof value === 'string' ? JSON.parse(value) : (value ?? {}));
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid ${name} context: ${issues}`);
  }
  return parsed.data;
};

const dataRepoSettings = (value: unknown): DataRepoSettings =>
  contextObject(DataRepoContextSchema, 'dataRepo', value);

/**
 * The context of `cdk.json` (stage default, feature flags). The CLI passes it to the app itself; reading it
 * here too makes an app built by the tests synthesize exactly what `cdk synth` does.
 */
const cdkJsonContext = (): Record<string, unknown> => {
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return cdkJson.context ?? {};
};

/** Builds the platform's CDK app: used by `bin/app.ts` (the CLI) and by the tests, so both see the same app. */
export const buildApp = (options: BuildAppOptions = {}): DataMeshApp => {
  const app = new App({ context: { ...cdkJsonContext(), ...options.context }, outdir: options.outdir });
  const stage: unknown = options.stage ?? app.node.tryGetContext('stage') ?? 'dev';
  if (typeof stage !== 'string' || !STAGE.test(stage)) {
    throw new Error(`invalid stage ${JSON.stringify(stage)}: expected lowercase letters, digits and hyphens`);
  }

  const producerAccounts = contextObject(
    ProducerAccountsSchema,
    'producerAccounts',
    app.node.tryGetContext('producerAccounts') ?? [],
  );
  const stateful = new StatefulStack(app, `DataMesh-${stage}-Stateful`, {
    description: `Data mesh platform (${stage}): bus, archive, data bucket, registry table`,
    env: options.env,
    stage,
    producerAccounts,
  });
  const processing = new ProcessingStack(app, `DataMesh-${stage}-Processing`, {
    description: `Data mesh platform (${stage}): functions, rules, dead-letter queues, alarms`,
    env: options.env,
    stage,
    bus: stateful.bus,
    dataBucket: stateful.dataBucket,
    table: stateful.table,
    webhookSecret: stateful.webhookSecret,
    gitTokenSecret: stateful.gitTokenSecret,
    dataRepo: dataRepoSettings(app.node.tryGetContext('dataRepo')),
    dataHubTokenSecret: stateful.dataHubTokenSecret,
    datahub: contextObject(DataHubContextSchema, 'datahub', app.node.tryGetContext('datahub')),
    producerAccounts,
  });

  // cdk-nag v3 is a policy validation plugin (not an Aspect): it runs after synthesis and fails it on errors.
  // Suppressions are per resource (`Validations.of(construct).acknowledge`) and are also written into the
  // templates' `cdk_nag` metadata as an audit trail.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }),
  );
  return { app, stage, stateful, processing };
};

const PlatformContextSchema = z.object({
  account: z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id')),
  stage: z.string().check(z.regex(STAGE, 'must be lowercase letters, digits and hyphens')),
  region: z.optional(z.string()),
});

/**
 * The standalone producer app: one `ProducerStack` for the product named by the `productId` context, pointed
 * at the platform named by the `platform` context (`{"account": "…", "stage": "…"}`), for teams that have no
 * CDK app of their own. `bin/app.ts` builds it instead of the platform when `productId` is given.
 */
export const buildProducerApp = (options: BuildAppOptions = {}) => {
  const app = new App({ context: { ...cdkJsonContext(), ...options.context }, outdir: options.outdir });
  const productId: unknown = app.node.tryGetContext('productId');
  if (typeof productId !== 'string' || productId === '') throw new Error('the productId context is required');
  const platform = contextObject(PlatformContextSchema, 'platform', app.node.tryGetContext('platform'));
  const prefix: unknown = app.node.tryGetContext('prefix');
  const stack = new ProducerStack(app, `DataMeshProducer-${productId.replaceAll('.', '-')}`, {
    description: `Storage of data product ${productId}, registered with the data mesh platform (${platform.stage})`,
    env: options.env,
    productId,
    platform,
    ...(typeof prefix === 'string' ? { prefix } : {}),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
};
