import middy from '@middy/core';
import { maskedChannel } from '../core/notifications/channel-labels';
import { createSubscription, rotateSecret } from '../core/notifications/manage-subscriptions';
import type { NotificationDeps } from '../core/notifications/notification-deps';
import { ChannelSchema, NotificationTypeSchema } from '../core/notifications/subscription';
import { logger } from '../shared/logger';
import * as z from '../shared/zod';
import { buildNotificationDeps } from './notifications-root';

/** An API Gateway HTTP API request (payload format 2.0) with IAM authorisation: only what is read. */
const HttpApiRequestSchema = z.object({
  rawPath: z.string(),
  rawQueryString: z._default(z.string(), ''),
  body: z.optional(z.string()),
  isBase64Encoded: z._default(z.boolean(), false),
  requestContext: z.object({
    http: z.object({ method: z.string() }),
    authorizer: z.optional(z.object({ iam: z.optional(z.object({ userArn: z.optional(z.string()) })) })),
  }),
});

export const SubscribeRequestSchema = z.object({
  consumer: z.string().check(z.minLength(1)),
  product: z.optional(z.string()),
  domain: z.optional(z.string()),
  events: z.optional(
    z
      .array(NotificationTypeSchema)
      .check(z.minLength(1, 'name at least one event type, or leave events out')),
  ),
  channel: ChannelSchema,
});

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const reply = (statusCode: number, body: unknown): HttpResponse => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const issues = (error: z.core.$ZodError) =>
  error.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));

/**
 * The subscriptions API: `POST /subscriptions`, `GET /subscriptions[?consumer=]`, `DELETE /subscriptions/{id}`,
 * `POST /subscriptions/{id}/secret` (a new webhook signing secret, shown once), `GET /deliveries[?failed=true]`. On AWS an HTTP API with IAM authorisation sits in front; the handler also
 * refuses a request without an IAM caller, so that nothing depends on the route's configuration alone.
 */
export const makeHandler = (deps: () => NotificationDeps) =>
  middy<unknown, HttpResponse>()
    .before((request) => logger.startInvocation(request.context))
    .handler(async (event) => {
      const parsed = HttpApiRequestSchema.safeParse(event);
      if (!parsed.success) return reply(400, { message: 'not an HTTP API request' });
      const request = parsed.data;
      const caller = request.requestContext.authorizer?.iam?.userArn;
      if (!caller)
        return reply(401, { message: 'sign the request with AWS credentials (IAM authorisation)' });
      const method = request.requestContext.http.method;
      const query = new URLSearchParams(request.rawQueryString);
      const d = deps();

      if (request.rawPath === '/subscriptions' && method === 'POST') {
        let json: unknown;
        try {
          json = JSON.parse(
            Buffer.from(request.body ?? '', request.isBase64Encoded ? 'base64' : 'utf8').toString(),
          );
        } catch {
          return reply(400, { message: 'the body is not JSON' });
        }
        const body = SubscribeRequestSchema.safeParse(json);
        if (!body.success)
          return reply(400, { message: 'invalid subscription', problems: issues(body.error) });
        const { product, domain } = body.data;
        if ((product === undefined) === (domain === undefined)) {
          return reply(400, { message: 'name either a product or a domain' });
        }
        const outcome = await createSubscription(d, {
          consumer: body.data.consumer,
          target: product !== undefined ? { productId: product } : { domain: domain ?? '' },
          ...(body.data.events ? { events: body.data.events } : {}),
          channel: body.data.channel,
          source: query.get('source') === 'cli' ? 'cli' : 'api',
          createdBy: caller,
        });
        if (outcome.status === 'invalid') {
          const unknown = outcome.problems.some((p) => p.path === 'product' || p.path === 'domain');
          return reply(unknown ? 404 : 400, { message: 'subscription refused', problems: outcome.problems });
        }
        if (outcome.status === 'exists') {
          return reply(409, {
            message:
              outcome.subscription.channel.kind === 'webhook'
                ? `this subscription already exists; its signing secret was shown when it was made (POST /subscriptions/${outcome.subscription.id}/secret, or mesh rotate-secret, gives a new one)`
                : 'this subscription already exists',
            subscription: outcome.subscription,
          });
        }
        return reply(201, {
          subscription: outcome.subscription,
          ...(outcome.signingSecret
            ? { signingSecret: outcome.signingSecret, note: 'shown once: verify webhook-signature with it' }
            : {}),
        });
      }
      if (request.rawPath === '/subscriptions' && method === 'GET') {
        // Anyone allowed to list sees every team's subscriptions: not the URLs that let one post to them.
        const subscriptions = await d.subscriptions.list(query.get('consumer') ?? undefined);
        return reply(200, {
          subscriptions: subscriptions.map((s) => ({ ...s, channel: maskedChannel(s.channel) })),
        });
      }
      const rotate = /^\/subscriptions\/([A-Za-z0-9_:-]+)\/secret$/.exec(request.rawPath);
      if (rotate && method === 'POST') {
        const outcome = await rotateSecret(d, rotate[1] ?? '');
        if (outcome.status === 'not-found') return reply(404, { message: `no subscription ${rotate[1]}` });
        if (outcome.status === 'no-secret') return reply(400, { message: outcome.message });
        // Who holds the secret now: the audit trail when a consumer's deliveries stop verifying.
        logger.info('signing secret rotated', { subscriptionId: outcome.subscription.id, caller });
        return reply(200, {
          subscription: { ...outcome.subscription, channel: maskedChannel(outcome.subscription.channel) },
          signingSecret: outcome.signingSecret,
          note: 'shown once: the previous secret no longer verifies deliveries',
        });
      }
      const one = /^\/subscriptions\/([A-Za-z0-9_:-]+)$/.exec(request.rawPath);
      if (one && method === 'DELETE') {
        const deleted = await d.subscriptions.delete(one[1] ?? '');
        if (deleted) logger.info('subscription deleted', { subscriptionId: one[1], caller });
        return deleted
          ? reply(200, { deleted: one[1] })
          : reply(404, { message: `no subscription ${one[1]}` });
      }
      if (request.rawPath === '/deliveries' && method === 'GET') {
        const deliveries = await d.subscriptions.listDeliveries({
          failedOnly: query.get('failed') === 'true',
        });
        return reply(200, { deliveries });
      }
      return reply(404, { message: `no route ${method} ${request.rawPath}` });
    });

let deps: NotificationDeps | undefined;
export const handler = makeHandler(() => {
  deps ??= buildNotificationDeps();
  return deps;
});
