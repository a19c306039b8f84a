import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbRegistry } from '../../functions/adapters/dynamodb/dynamodb-registry';
import { SecretsManagerJson } from '../../functions/adapters/secrets/secrets-manager-json';
import type { ReceiverDeps } from '../../functions/core/gitops/receive-webhook';
import { makeHandler } from '../../functions/handlers/git-webhook';
import { localLambdaContext } from '../../functions/local/lambda-context';
import type { OutgoingEvent } from '../../functions/ports/event-publisher';
import { WebhookSecretsSchema } from '../../functions/shared/env';
import { freshRegistryTable } from '../support/dynamo';

// Secrets Manager has no local counterpart: its client is mocked; everything else is the real code.
const secrets = mockClient(SecretsManagerClient);
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const SECRET = 'It is a secret';
const ARN = 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:data-mesh/test/webhook-secrets-AbCdEf';

const push = JSON.stringify({
  ref: 'refs/heads/main',
  before: 'a'.repeat(40),
  after: 'b'.repeat(40),
  repository: { full_name: 'acme/data', html_url: 'https://github.com/acme/data', id: 1 },
  pusher: { name: 'alice', email: 'alice@acme.example' },
  commits: [],
});

const request = (body: string, headers: Record<string, string> = {}, method = 'POST') => ({
  version: '2.0',
  headers: {
    'Content-Type': 'application/json',
    'X-GitHub-Event': 'push',
    'X-GitHub-Delivery': 'd-1',
    'X-Hub-Signature-256': `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`,
    ...headers,
  },
  body: Buffer.from(body).toString('base64'),
  isBase64Encoded: true,
  requestContext: { http: { method } },
});

describe('git-webhook handler (function URL) with its secrets in Secrets Manager', () => {
  let published: OutgoingEvent[];
  let handler: ReturnType<typeof makeHandler>;
  let registry: DynamoDbRegistry;

  beforeEach(async () => {
    secrets.reset();
    secrets
      .on(GetSecretValueCommand, { SecretId: ARN })
      .resolves({ SecretString: JSON.stringify({ github: SECRET }) });
    published = [];
    const table = await freshRegistryTable();
    registry = new DynamoDbRegistry(table.documentClient, table.tableName);
    const secret = new SecretsManagerJson(
      new SecretsManagerClient({ region: 'eu-west-1' }),
      ARN,
      WebhookSecretsSchema,
    );
    const deps = {
      registry,
      events: { publish: async (events: OutgoingEvent[]) => void published.push(...events) },
      clock: () => new Date('2026-11-22T10:00:00Z'),
      logger: silent,
    } satisfies ReceiverDeps;
    handler = makeHandler(() => ({
      deps,
      webhookConfig: async () => ({ secrets: await secret.get(), branch: 'main' }),
    }));
  });

  const call = async (event: unknown) => {
    const response = await handler(event, localLambdaContext('git-webhook'));
    return { statusCode: response.statusCode, body: JSON.parse(response.body) };
  };

  it('verifies a delivery with the secret read from Secrets Manager, once per warm function', async () => {
    expect(await call(request(push))).toMatchObject({ statusCode: 202, body: { status: 'accepted' } });
    expect(await call(request(push, { 'X-GitHub-Delivery': 'd-2' }))).toMatchObject({ statusCode: 202 });
    expect(await call(request(push))).toMatchObject({ statusCode: 202, body: { status: 'duplicate' } });
    expect(published.map((e) => e.contract.detailType)).toEqual(['Git Push Received', 'Git Push Received']);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('asks for a retry (409) while another attempt at the same delivery is still running', async () => {
    await registry.beginEvent('webhook|github|d-9', 60_000);
    const response = await call(request(push, { 'X-GitHub-Delivery': 'd-9' }));
    expect(response).toMatchObject({ statusCode: 409, body: { status: 'in-progress' } });
    expect(published).toEqual([]);
  });

  it('answers 401 to a wrong signature and publishes nothing', async () => {
    const response = await call(request(push, { 'X-Hub-Signature-256': `sha256=${'0'.repeat(64)}` }));
    expect(response.statusCode).toBe(401);
    expect(published).toEqual([]);
  });

  it('answers 405 to anything but POST, and 400 to an event that is not an HTTP request', async () => {
    expect((await call(request(push, {}, 'GET'))).statusCode).toBe(405);
    expect((await call({ detail: {} })).statusCode).toBe(400);
  });

  it('fails (500, so the host redelivers) with a message that names the secret but not its values', async () => {
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: JSON.stringify({ github: 42, gitlab: 'x' }) });
    await expect(handler(request(push), localLambdaContext('git-webhook'))).rejects.toThrow(
      /secret arn:aws:secretsmanager:.* has unexpected content at: github$/,
    );
    secrets.reset();
    secrets.on(GetSecretValueCommand).resolves({ SecretString: 'not json' });
    await expect(handler(request(push), localLambdaContext('git-webhook'))).rejects.toThrow(
      /not a JSON document/,
    );
  });
});
