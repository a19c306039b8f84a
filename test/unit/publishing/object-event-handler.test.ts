import { describe, expect, it } from 'vitest';
import sample from '../../../events/samples/s3-object-created.json';
import type { PublishingDeps } from '../../../functions/core/publishing/publishing-deps';
import { makeHandler } from '../../../functions/handlers/data-uploaded';
import { localLambdaContext } from '../../../functions/local/lambda-context';

/** Deps that fail loudly if touched: a malformed event must be refused before any adapter is used. */
const untouchable = new Proxy({} as PublishingDeps, {
  get: (_target, property) => {
    throw new Error(`unexpected use of deps.${String(property)}`);
  },
});

describe('Handler: data-uploaded (the shared Object Created handler)', () => {
  it('refuses an event that breaks the S3 Object Created contract, naming the field', async () => {
    const handler = makeHandler(() => untouchable);
    const broken = structuredClone(sample) as { detail: { object: Record<string, unknown> } };
    delete broken.detail.object.key;

    await expect(handler(broken, localLambdaContext('data-uploaded'))).rejects.toThrow(
      /not a valid "Object Created" event: detail\.object\.key/,
    );
  });

  it('refuses an event of another type', async () => {
    const handler = makeHandler(() => untouchable);

    await expect(
      handler({ ...sample, 'detail-type': 'Object Deleted' }, localLambdaContext('data-uploaded')),
    ).rejects.toThrow(/InvalidEventError|not a valid/);
  });
});
