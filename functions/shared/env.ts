import { ConfigurationError } from '../core/errors';
import * as z from './zod';

/** Parses the environment once at start-up; a missing or malformed variable fails fast with its name. */
export const parseEnv = <S extends z.ZodMiniType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> => {
  const result = schema.safeParse(env);
  if (!result.success) {
    const details = result.error.issues.map((i) => `${i.path.join('.') || '(env)'}: ${i.message}`).join('; ');
    throw new ConfigurationError(`invalid environment: ${details}`);
  }
  return result.data;
};

const nonEmpty = z.string().check(z.minLength(1));

/** Settings common to every function; AWS endpoints come from the SDK's own `AWS_ENDPOINT_URL_<SERVICE>`. */
export const PublishingEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
  /**
   * The platform's default bucket, whose top-level folders are product folders. Any other bucket is known only
   * by the locations registered in it (a producer bucket, or a contract's `servers`).
   * @default - the folder convention applies in every bucket (tests that run one bucket)
   */
  DATA_BUCKET_NAME: z.optional(nonEmpty),
  /** Local S3-compatible servers need path-style addressing. */
  S3_FORCE_PATH_STYLE: z.optional(z.enum(['true', 'false'])),
});

export type PublishingEnv = z.infer<typeof PublishingEnvSchema>;

const json = <S extends z.ZodMiniType>(schema: S) =>
  z.pipe(
    z.pipe(
      z.string(),
      z.transform((text, ctx) => {
        try {
          return JSON.parse(text) as unknown;
        } catch {
          ctx.issues.push({ code: 'custom', message: 'is not valid JSON', input: text });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );

export const WebhookSecretsSchema = z.object({
  github: z.optional(nonEmpty),
  gitlab: z.optional(nonEmpty),
  gitea: z.optional(nonEmpty),
  forgejo: z.optional(nonEmpty),
});

/**
 * The data repo's functions. Secrets come from Secrets Manager on AWS (`*_SECRET_ARN`, a JSON secret) and
 * straight from the environment locally (`WEBHOOK_SECRETS`, `GIT_TOKEN`).
 */
export const GitEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
  DATA_REPO_BRANCH: z._default(nonEmpty, 'main'),
  /** When set, pushes from any other repository are ignored (`owner/name`). */
  DATA_REPO: z.optional(nonEmpty),
  GIT_PROVIDER: z.enum(['local', 'github', 'gitlab', 'gitea']),
  GIT_API_URL: z.optional(z.url()),
  LOCAL_GIT_DIR: z.optional(nonEmpty),
  GIT_TOKEN: z.optional(nonEmpty),
  /** A secret holding `{"token": "…"}`. */
  GIT_TOKEN_SECRET_ARN: z.optional(nonEmpty),
  WEBHOOK_SECRETS: z.optional(json(WebhookSecretsSchema)),
  /** A secret holding `{"github": "…", "gitlab": "…", …}`. */
  WEBHOOK_SECRET_ARN: z.optional(nonEmpty),
  /** `local` lets GitOps subscriptions target loopback receivers (see NotificationEnvSchema). */
  NOTIFY_MODE: z._default(z.enum(['aws', 'local']), 'aws'),
  /** Team → members (usernames or emails). */
  TEAMS_JSON: z.optional(json(z.record(z.string(), z.array(z.string())))),
  /** The platform's default bucket (contracts may declare S3 servers elsewhere only). */
  DATA_BUCKET_NAME: z.optional(nonEmpty),
});

export type GitEnv = z.infer<typeof GitEnvSchema>;

/** The catalog-sync function: DataHub when `DATAHUB_GMS_URL` is set, else the embedded catalog in `CATALOG_DIR`. */
export const CatalogEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  DATAHUB_GMS_URL: z.optional(z.url()),
  DATAHUB_GMS_TOKEN: z.optional(nonEmpty),
  /** A secret holding `{"token": "…"}` (a DataHub personal access token). */
  DATAHUB_TOKEN_SECRET_ARN: z.optional(nonEmpty),
  /** DataHub's fabric type in dataset URNs. */
  DATAHUB_ENV: z._default(
    z.enum(['PROD', 'DEV', 'TEST', 'QA', 'UAT', 'EI', 'PRE', 'STG', 'NON_PROD', 'CORP']),
    'PROD',
  ),
  CATALOG_DIR: z.optional(nonEmpty),
});

/** The notification functions (fan-out, delivery, subscriptions API). */
export const NotificationEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
  /** The fan-out queue (AWS); locally the queue is in-process. */
  DELIVERY_QUEUE_URL: z.optional(z.url()),
  /** `local` allows loopback targets and plain http, and writes e-mail to `MAIL_OUTBOX_DIR`. */
  NOTIFY_MODE: z._default(z.enum(['aws', 'local']), 'aws'),
  MAIL_OUTBOX_DIR: z.optional(nonEmpty),
  /** The SES identity notifications are sent from. */
  MAIL_FROM: z._default(nonEmpty, 'data-mesh@example.com'),
});

/** The query-plane sync (Glue tables and Athena views over the products' published files). */
export const QueryPlaneEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  /** Where the per-table symlink manifests are written (`s3://<bucket>/manifests/…`). */
  QUERY_BUCKET_NAME: nonEmpty,
  /** Glue databases are named `<prefix>_<domain>`. */
  GLUE_DATABASE_PREFIX: z._default(nonEmpty, 'data_mesh'),
});

/** The storage registration function (the `ProducerBucket` custom resource's service token). */
export const StorageRegistrationEnvSchema = z.object({
  TABLE_NAME: nonEmpty,
  EVENT_BUS_NAME: nonEmpty,
  /** The platform's default bucket: never a producer's. */
  DATA_BUCKET_NAME: z.optional(nonEmpty),
  /** `true` only on one machine: CloudFormation's stand-in answers on http://127.0.0.1. */
  MESH_LOCAL: z.optional(z.enum(['true', 'false'])),
  /** Accounts whose stacks may register buckets (comma-separated); unset: any account that can invoke. */
  ALLOWED_ACCOUNTS: z.optional(
    z.pipe(
      z.string(),
      z.transform((value) =>
        value
          .split(',')
          .map((a) => a.trim())
          .filter(Boolean),
      ),
    ),
  ),
  S3_FORCE_PATH_STYLE: z.optional(z.enum(['true', 'false'])),
});
