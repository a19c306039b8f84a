import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { ConfigurationError } from '../../core/errors';
import type * as z from '../../shared/zod';

/** Secrets are re-read after this long, so a rotated webhook secret takes effect without a deploy. */
const TTL_MS = 5 * 60 * 1000;

/** A JSON secret in Secrets Manager, parsed with its schema and cached per warm Lambda. */
export class SecretsManagerJson<S extends z.ZodMiniType> {
  private cached: { value: z.infer<S>; until: number } | undefined;

  constructor(
    private readonly client: SecretsManagerClient,
    private readonly secretId: string,
    private readonly schema: S,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<z.infer<S>> {
    if (this.cached && this.cached.until > this.now()) return this.cached.value;
    const out = await this.client.send(new GetSecretValueCommand({ SecretId: this.secretId }));
    let json: unknown;
    try {
      json = JSON.parse(out.SecretString ?? '');
    } catch {
      throw new ConfigurationError(`secret ${this.secretId} is not a JSON document`);
    }
    const parsed = this.schema.safeParse(json);
    if (!parsed.success) {
      const paths = parsed.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
      // Never echo the secret's values: only where it is wrong.
      throw new ConfigurationError(`secret ${this.secretId} has unexpected content at: ${paths}`);
    }
    this.cached = { value: parsed.data, until: this.now() + TTL_MS };
    return parsed.data;
  }
}
