import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { CatalogSync, type DataHubSettings } from '../constructs/catalog-sync';
import { DataRepo, type DataRepoSettings } from '../constructs/data-repo';
import { Notifications } from '../constructs/notifications';
import { grantProducerStorageRead } from '../constructs/producer-storage-access';
import { Publishing } from '../constructs/publishing';
import { QueryPlane } from '../constructs/query-plane';
import { StorageRegistration } from '../constructs/storage-registration';
import { PLATFORM_TAG } from '../producer/platform-reference';

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
  /**
   * Accounts whose producer buckets may register and be read (CDK context `producerAccounts`).
   * @default - none
   */
  readonly producerAccounts?: readonly string[];
}

/** Functions, rules, queues and alarms: stateless, so it can be destroyed and redeployed at will. */
export class ProcessingStack extends Stack {
  public readonly publishing: Publishing;
  public readonly dataRepo: DataRepo;
  public readonly catalogSync: CatalogSync;
  public readonly notifications: Notifications;
  public readonly storageRegistration: StorageRegistration;
  public readonly queryPlane: QueryPlane;

  constructor(scope: Construct, id: string, props: ProcessingStackProps) {
    super(scope, id, props);
    // Producer bucket policies trust the platform's roles by this tag (see ProducerBucket).
    Tags.of(this).add(PLATFORM_TAG, props.stage);
    const producerAccounts = props.producerAccounts ?? [];
    this.publishing = new Publishing(this, 'Publishing', {
      stage: props.stage,
      bus: props.bus,
      dataBucket: props.dataBucket,
      table: props.table,
      producerAccounts,
    });
    this.dataRepo = new DataRepo(this, 'DataRepo', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
      webhookSecret: props.webhookSecret,
      gitTokenSecret: props.gitTokenSecret,
      settings: props.dataRepo,
    });
    // A contract pushed to the data repo may declare S3 servers, which the processor checks it can read.
    grantProducerStorageRead(this.dataRepo.processor, producerAccounts, { list: true });
    this.dataRepo.processor.addEnvironment('DATA_BUCKET_NAME', props.dataBucket.bucketName);
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
    this.queryPlane = new QueryPlane(this, 'QueryPlane', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
      databasePrefix: 'data_mesh',
    });
    this.storageRegistration = new StorageRegistration(this, 'StorageRegistration', {
      stage: props.stage,
      bus: props.bus,
      table: props.table,
      producerAccounts,
      dataBucket: props.dataBucket,
    });
  }
}
