import { App, type Environment, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { ProducerBucket } from 'data-mesh-platform/cdk';

/**
 * A producer team's own CDK app (here: the sales team), holding one product's storage next to whatever else
 * the team deploys. In a team's repository the import is the same: `data-mesh-platform/cdk`.
 */
export class SalesDataStack extends Stack {
  public readonly orders: ProducerBucket;

  constructor(scope: Construct, id: string, props: StackProps & { platformAccount: string; stage: string }) {
    super(scope, id, props);
    this.orders = new ProducerBucket(this, 'Orders', {
      productId: 'sales.orders',
      prefix: 'orders/',
      platform: { account: props.platformAccount, stage: props.stage },
    });
  }
}

export const buildProducerExampleApp = (options: { outdir?: string; env?: Environment } = {}) => {
  const app = new App({ outdir: options.outdir });
  const platformAccount = String(app.node.tryGetContext('platformAccount') ?? '111111111111');
  const stage = String(app.node.tryGetContext('stage') ?? 'dev');
  const stack = new SalesDataStack(app, 'SalesData', {
    description: 'Sales team: storage of sales.orders, registered with the data mesh platform',
    env: options.env ?? { account: '222222222222', region: 'eu-west-1' },
    platformAccount,
    stage,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  return { app, stack };
};
