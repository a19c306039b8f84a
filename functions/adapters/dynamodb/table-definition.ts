import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The registry table's keys, shared by the CDK stack and the local DynamoDB-compatible server so that the
 * local table is created exactly as the deployed one.
 */
export const REGISTRY_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  gsi1: { name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
  ttlAttribute: 'expiresAt',
} as const;

export const registryCreateTableInput = (tableName: string): CreateTableCommandInput => ({
  TableName: tableName,
  BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [
    { AttributeName: REGISTRY_TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.sortKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.gsi1.partitionKey, AttributeType: 'S' },
    { AttributeName: REGISTRY_TABLE.gsi1.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: REGISTRY_TABLE.partitionKey, KeyType: 'HASH' },
    { AttributeName: REGISTRY_TABLE.sortKey, KeyType: 'RANGE' },
  ],
  GlobalSecondaryIndexes: [
    {
      IndexName: REGISTRY_TABLE.gsi1.name,
      KeySchema: [
        { AttributeName: REGISTRY_TABLE.gsi1.partitionKey, KeyType: 'HASH' },
        { AttributeName: REGISTRY_TABLE.gsi1.sortKey, KeyType: 'RANGE' },
      ],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
});
