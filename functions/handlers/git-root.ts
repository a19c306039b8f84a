import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { newSigningSecret } from '../adapters/channels/webhook-channel';
import { DynamoDbRegistry } from '../adapters/dynamodb/dynamodb-registry';
import { DynamoDbSubscriptionStore } from '../adapters/dynamodb/dynamodb-subscription-store';
import { EventBridgePublisher } from '../adapters/eventbridge/eventbridge-publisher';
import { GiteaGitProvider } from '../adapters/git/gitea-git-provider';
import { GitHubGitProvider } from '../adapters/git/github-git-provider';
import { GitLabGitProvider } from '../adapters/git/gitlab-git-provider';
import { LocalGitProvider } from '../adapters/git/local-git-provider';
import { SecretsManagerJson } from '../adapters/secrets/secrets-manager-json';
import { ConfigurationError } from '../core/errors';
import { DEFAULT_GIT_OPS_SETTINGS, type GitOpsDeps } from '../core/gitops/git-ops-deps';
import type { ReceiverDeps } from '../core/gitops/receive-webhook';
import { syncGitopsSubscriptions } from '../core/notifications/gitops-subscriptions';
import { notificationSettingsFor } from '../core/notifications/notification-deps';
import type { WebhookConfig } from '../core/webhooks/interpret-webhook';
import type { GitProvider } from '../ports/git-provider';
import {
  createDynamoClient,
  createDynamoLowLevelClient,
  createEventsClient,
  createLocationProbe,
} from '../shared/clients';
import { type GitEnv, GitEnvSchema, parseEnv, WebhookSecretsSchema } from '../shared/env';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';

const TokenSecretSchema = z.object({ token: z.string().check(z.minLength(1)) });

/** Composition root of the webhook receiver: adapters built once, secrets read lazily and cached. */
export const buildReceiver = (env: NodeJS.ProcessEnv = process.env) => {
  const config = parseEnv(GitEnvSchema, env);
  const deps: ReceiverDeps = {
    registry: new DynamoDbRegistry(createDynamoClient(env), config.TABLE_NAME),
    events: new EventBridgePublisher(createEventsClient(env), config.EVENT_BUS_NAME),
    clock: () => new Date(),
    logger,
  };
  const secrets = config.WEBHOOK_SECRETS
    ? async () => config.WEBHOOK_SECRETS ?? {}
    : secretReader(
        env,
        config.WEBHOOK_SECRET_ARN,
        WebhookSecretsSchema,
        'WEBHOOK_SECRETS or WEBHOOK_SECRET_ARN',
      );
  const webhookConfig = async (): Promise<WebhookConfig> => ({
    secrets: await secrets(),
    branch: config.DATA_REPO_BRANCH,
    ...(config.DATA_REPO ? { repository: config.DATA_REPO } : {}),
  });
  return { deps, webhookConfig };
};

/** Composition root of the push processor. */
export const buildGitOpsDeps = async (env: NodeJS.ProcessEnv = process.env): Promise<GitOpsDeps> => {
  const config = parseEnv(GitEnvSchema, env);
  const dynamo = createDynamoClient(env);
  const registry = new DynamoDbRegistry(dynamo, config.TABLE_NAME);
  const events = new EventBridgePublisher(createEventsClient(env), config.EVENT_BUS_NAME);
  const clock = () => new Date();
  // GitOps subscriptions end in the same records as the API's, through the same use case.
  const subscriptionDeps = {
    subscriptions: new DynamoDbSubscriptionStore(
      { document: dynamo, lowLevel: createDynamoLowLevelClient(env) },
      config.TABLE_NAME,
    ),
    registry,
    events,
    clock,
    newSecret: newSigningSecret,
    settings: notificationSettingsFor(config.NOTIFY_MODE),
  };
  return {
    registry,
    git: await gitProvider(env, config),
    events,
    clock,
    logger,
    teams: config.TEAMS_JSON ?? {},
    settings: DEFAULT_GIT_OPS_SETTINGS,
    storage: createLocationProbe(env),
    ...(config.DATA_BUCKET_NAME ? { defaultBucket: config.DATA_BUCKET_NAME } : {}),
    syncSubscriptions: (file) => syncGitopsSubscriptions(subscriptionDeps, file),
  };
};

const gitProvider = async (env: NodeJS.ProcessEnv, config: GitEnv): Promise<GitProvider> => {
  if (config.GIT_PROVIDER === 'local') {
    if (!config.LOCAL_GIT_DIR) throw new ConfigurationError('GIT_PROVIDER=local needs LOCAL_GIT_DIR');
    return new LocalGitProvider(config.LOCAL_GIT_DIR);
  }
  const token =
    config.GIT_TOKEN ??
    (
      await secretReader(
        env,
        config.GIT_TOKEN_SECRET_ARN,
        TokenSecretSchema,
        'GIT_TOKEN or GIT_TOKEN_SECRET_ARN',
      )()
    ).token;
  const options = { token, ...(config.GIT_API_URL ? { baseUrl: config.GIT_API_URL } : {}) };
  switch (config.GIT_PROVIDER) {
    case 'github':
      return new GitHubGitProvider(options);
    case 'gitlab':
      return new GitLabGitProvider(options);
    case 'gitea':
      if (!config.GIT_API_URL) throw new ConfigurationError('GIT_PROVIDER=gitea needs GIT_API_URL');
      return new GiteaGitProvider({ token, baseUrl: config.GIT_API_URL });
  }
};

const secretReader = <S extends z.ZodMiniType>(
  env: NodeJS.ProcessEnv,
  arn: string | undefined,
  schema: S,
  what: string,
) => {
  if (!arn) {
    return async (): Promise<z.infer<S>> => {
      throw new ConfigurationError(`${what} must be set`);
    };
  }
  const client = new SecretsManagerClient(env.AWS_REGION ? { region: env.AWS_REGION } : {});
  const secret = new SecretsManagerJson(client, arn, schema);
  return () => secret.get();
};
