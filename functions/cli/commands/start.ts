import { loadLocalConfig } from '../../local/config';
import { startPlatform } from '../../local/platform';
import { createLogger } from '../../shared/logger';
import type { Output } from '../output';

/** `mesh start` (what `npm start` runs): the whole platform on this machine until Ctrl-C. */
export const startCommand = async (output: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> => {
  const config = loadLocalConfig(env);
  // The platform's own lines (bus, queue, servers) never carry a handler invocation's fields.
  const platform = await startPlatform(config, createLogger());
  const e = platform.endpoints;
  output.out(
    [
      'Data mesh platform running locally (Ctrl-C to stop)',
      '',
      `  S3 endpoint        ${e.s3}   (default bucket: ${e.bucket})`,
      `  DynamoDB endpoint  ${e.dynamodb}   (table: ${e.tableName})`,
      `  EventBridge + HTTP ${e.http}   (bus: ${e.busName}; git webhooks: ${e.http}/webhooks/git)`,
      `  Data repo          ${e.dataRepo}   (branch ${e.dataRepoBranch})`,
      `  Ownership          ${e.teamsFile} ${platform.teamsConfigured ? '' : '(absent: every pusher may change every product)'}`,
      `  Catalog            ${e.catalog.kind === 'embedded' ? `${e.http}/catalog   (embedded; DATAHUB_GMS_URL sends it to DataHub)` : `DataHub at ${e.catalog.target}`}`,
      `  Subscriptions API  ${e.http}/subscriptions   (npx mesh subscribe <product> --webhook URL)`,
      `  State folder       ${e.stateDir}`,
      '',
      'Try (in another terminal, from the repository root):',
      '  node examples/upload.mjs examples/orders/datacontract.yaml orders/datacontract.yaml',
      '  npx mesh products',
      '  npx mesh events tail',
      '',
      'Or publish through the data repo:',
      `  git clone ${e.dataRepo} data && cd data`,
      '  mkdir orders && cp ../examples/orders/datacontract.yaml ../examples/orders/orders-2026-11-21.csv orders/',
      `  git add . && git commit -m "orders" && git push origin HEAD:${e.dataRepoBranch}`,
    ].join('\n'),
  );
  await new Promise<void>((resolve) => {
    const shutdown = () => resolve();
    process.once('SIGINT', shutdown);
    process.once('SIGTERM', shutdown);
  });
  output.out('\nStopping: finishing in-flight events…');
  await platform.stop();
  output.out(`Stopped. State kept in ${e.stateDir}`);
  return 0;
};
