import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { PlatformReference } from './platform-reference';
import { ProducerBucket } from './producer-bucket';

export interface ProducerStackProps extends StackProps {
  readonly productId: string;
  readonly platform: PlatformReference;
  /** @default - `<productId>/` */
  readonly prefix?: string;
}

/**
 * A producer team's storage for one product, for teams without a CDK app of their own:
 * `npx cdk deploy -c productId=<id> -c platform='{"account":"…","stage":"prod"}'` (see the README).
 */
export class ProducerStack extends Stack {
  public readonly storage: ProducerBucket;

  constructor(scope: Construct, id: string, props: ProducerStackProps) {
    super(scope, id, props);
    this.storage = new ProducerBucket(this, 'Storage', {
      productId: props.productId,
      platform: props.platform,
      ...(props.prefix ? { prefix: props.prefix } : {}),
    });
    new CfnOutput(this, 'BucketName', {
      description: `Upload ${props.productId}'s contract and CSV files here, under ${this.storage.prefix}`,
      value: this.storage.bucket.bucketName,
    });
    new CfnOutput(this, 'UploadExample', {
      description: 'The contract first, then data files',
      value: `aws s3 cp datacontract.yaml s3://${this.storage.bucket.bucketName}/${this.storage.prefix}datacontract.yaml`,
    });
  }
}
