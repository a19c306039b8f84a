import { Stack, type StackProps } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CatalogSync, type DataHubSettings } from '../constructs/catalog-sync';
import { DataRepo, type DataRepoSettings } from '../constructs/data-repo';
import { Notifications } from '../constructs/notifications';
import { Publishing } from '../constructs/publishing';

export interface ProcessingStackProps extends StackProps {
  /** Deployment stage (`dev`, `prod`, …). */
  readonly stage: string;
  /** The platform bus, from the stateful stack. */
  readonly bus: IEventBus;
  /** The default data bucket, from the stateful stack. */
  readonly dataBucket: IBucket;
  /** The registry table, from the stateful stack. */
  readonly table: ITable;
  readonly webhookSecret: ISecret;
  readonly gitTokenSecret: ISecret;
  /** The data repo (CDK context `dataRepo`). */
  readonly dataRepo: DataRepoSettings;
  readonly dataHubTokenSecret: ISecret;
  /** DataHub (CDK context `datahub`). */
  readonly datahub: DataHubSettings;
}

/** Functions, rules, queues and alarms: stateless, so it can be destroyed and redeployed at will. */
export class ProcessingStack extends Stack {
  public readonly publishing: Publishing;
  public readonly dataRepo: DataRepo;
  public readonly catalogSync: CatalogSync;
  public readonly notifications: Notifications;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    this.publishing = new Publishing(this, 'Publishing', {
      stage: props.stage,
      bus: props.bus,
      dataBucket: props.dataBucket,
      table: props.table,
    });
    this.dataRepo = new DataRepo(this, 'DataRepo', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
      webhookSecret: props.webhookSecret,
      gitTokenSecret: props.gitTokenSecret,
      settings: props.dataRepo,
    });
    this.catalogSync = new CatalogSync(this, 'CatalogSync', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
      tokenSecret: props.dataHubTokenSecret,
      settings: props.datahub,
    });
    this.notifications = new Notifications(this, 'Notifications', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
    });
  }
}
