import { Aws } from 'aws-cdk-lib';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { QUARANTINE_PREFIX } from '../../events/object-keys';
import { acknowledgeWildcardResources } from '../nag';
import type { HouseFunction } from './house-function';

/**
 * Access of a platform function to producer buckets, which are registered at run time and so cannot be
 * named here. Every statement is limited to buckets owned by a listed producer account (`s3:ResourceAccount`),
 * never the platform's own (its other buckets are none of a producer's business; list the platform account
 * in `producerAccounts` to host producer buckets there); the producer's bucket policy must also allow it,
 * which `ProducerBucket` does for the product's prefix only.
 */
export const grantProducerStorageRead = (
  fn: HouseFunction,
  producerAccounts: readonly string[],
  access: { list?: boolean; read?: boolean; quarantine?: boolean },
) => {
  if (producerAccounts.length === 0) return;
  const conditions = { StringEquals: { 's3:ResourceAccount': [...producerAccounts] } };
  const anyBucket = `arn:${Aws.PARTITION}:s3:::*`;
  const anyObject = `arn:${Aws.PARTITION}:s3:::*/*`;
  const quarantined = `arn:${Aws.PARTITION}:s3:::*/${QUARANTINE_PREFIX}*`;
  const statements: [PolicyStatement, string][] = [];
  if (access.list) {
    statements.push([
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [anyBucket], conditions }),
      anyBucket,
    ]);
  }
  if (access.read) {
    statements.push([
      new PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging', 's3:GetObjectVersionTagging'],
        resources: [anyObject],
        conditions,
      }),
      anyObject,
    ]);
  }
  if (access.quarantine) {
    statements.push([
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:PutObjectTagging'],
        resources: [quarantined],
        conditions,
      }),
      quarantined,
    ]);
    statements.push([
      new PolicyStatement({
        actions: ['s3:DeleteObject', 's3:DeleteObjectVersion'],
        resources: [anyObject],
        conditions,
      }),
      anyObject,
    ]);
  }
  for (const [statement] of statements) fn.addToRolePolicy(statement);
  if (statements.length === 0) return;
  acknowledgeWildcardResources(
    fn.defaultPolicy,
    [...new Set(statements.map(([, resource]) => resource))],
    'Producer buckets are registered at run time (ProducerBucket, contract servers), so they cannot be named ' +
      'at deploy time; access is limited to buckets of the listed producer accounts (s3:ResourceAccount) and to ' +
      "what each producer's bucket policy grants.",
  );
};
