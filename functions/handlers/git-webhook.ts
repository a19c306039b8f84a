import middy from '@middy/core';
import type { ReceiverDeps } from '../core/gitops/receive-webhook';
import { receiveWebhook } from '../core/gitops/receive-webhook';
import type { WebhookConfig } from '../core/webhooks/interpret-webhook';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { buildReceiver } from './git-root';

/** A Lambda function URL request (payload format 2.0): only what the receiver reads. */
const FunctionUrlRequestSchema = z.object({
  headers: z._default(z.record(z.string(), z.string()), {}),
  body: z.optional(z.string()),
  isBase64Encoded: z._default(z.boolean(), false),
  requestContext: z.object({ http: z.object({ method: z.string() }) }),
});

export interface FunctionUrlResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const MAX_BODY_BYTES = 5 * 1024 * 1024;

const reply = (statusCode: number, body: unknown): FunctionUrlResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

/**
 * The git webhook endpoint (a Lambda function URL on AWS, `POST /webhooks/git` on the local server). Bad
 * requests get a 4xx with the reason; only a failure to reach the bus is a 5xx, so the host redelivers.
 */
export const makeHandler = (
  receiver: () => { deps: ReceiverDeps; webhookConfig: () => Promise<WebhookConfig> },
) =>
  middy<unknown, FunctionUrlResponse>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event) => {
      const parsed = FunctionUrlRequestSchema.safeParse(event);
      if (!parsed.success) return reply(400, { status: 'refused', message: 'not an HTTP request' });
      const request = parsed.data;
      if (request.requestContext.http.method !== 'POST') {
        return reply(405, { status: 'refused', message: 'webhooks are delivered with POST' });
      }
      const body = Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8');
      if (body.length > MAX_BODY_BYTES) {
        return reply(413, { status: 'refused', message: `body larger than ${MAX_BODY_BYTES} bytes` });
      }
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name.toLowerCase(), value]),
      );
      const { deps, webhookConfig } = receiver();
      const response = await receiveWebhook(deps, { headers, body }, await webhookConfig());
      return reply(response.statusCode, response.body);
    });

let receiver: ReturnType<typeof buildReceiver> | undefined;
export const handler = makeHandler(() => {
  receiver ??= buildReceiver();
  return receiver;
});
