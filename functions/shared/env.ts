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
  /** Local S3-compatible servers need path-style addressing. */
  S3_FORCE_PATH_STYLE: z.optional(z.enum(['true', 'false'])),
});

export type PublishingEnv = z.infer<typeof PublishingEnvSchema>;
