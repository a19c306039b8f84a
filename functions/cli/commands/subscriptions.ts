import type { Channel } from '../../core/notifications/subscription';
import { readEndpoints } from '../local-connection';
import { type Output, table, UsageError } from '../output';

export interface SubscribeOptions {
  webhook?: string;
  slack?: string;
  teams?: string;
  email?: string;
  sqs?: string;
  eventbridge?: string;
  events?: string;
  consumer?: string;
}

/** The local platform's subscriptions API (an `Authorization` header stands for the local user there). */
const api = async (method: string, path: string, body?: unknown) => {
  const endpoints = await readEndpoints();
  const response = await fetch(`${endpoints.http}${path}`, {
    method,
    headers: { authorization: 'mesh-local', 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
};

const channelOf = (options: SubscribeOptions): Channel => {
  const given: Channel[] = [
    ...(options.webhook ? [{ kind: 'webhook' as const, url: options.webhook }] : []),
    ...(options.slack ? [{ kind: 'slack' as const, url: options.slack }] : []),
    ...(options.teams ? [{ kind: 'teams' as const, url: options.teams }] : []),
    ...(options.email ? [{ kind: 'email' as const, address: options.email }] : []),
    ...(options.sqs ? [{ kind: 'sqs' as const, queueArn: options.sqs }] : []),
    ...(options.eventbridge ? [{ kind: 'eventbridge' as const, busArn: options.eventbridge }] : []),
  ];
  if (given.length !== 1) {
    throw new UsageError(
      'usage: mesh subscribe <product | domain:<name>> --webhook URL | --slack URL | --teams URL | --email ADDRESS | --sqs ARN | --eventbridge ARN [--events a,b] [--consumer who]',
    );
  }
  return given[0] as Channel;
};

/** `mesh subscribe <product | domain:<name>> --<channel> … [--events …] [--consumer …]`. */
export const subscribeCommand = async (
  output: Output,
  target: string | undefined,
  options: SubscribeOptions,
  json: boolean,
): Promise<number> => {
  if (!target) throw new UsageError('usage: mesh subscribe <product | domain:<name>> --webhook URL …');
  const channel = channelOf(options);
  const { status, json: body } = await api('POST', '/subscriptions?source=cli', {
    consumer: options.consumer ?? process.env.USER ?? 'local',
    ...(target.startsWith('domain:') ? { domain: target.slice('domain:'.length) } : { product: target }),
    ...(options.events ? { events: options.events.split(',').map((e) => e.trim()) } : {}),
    channel,
  });
  if (json) output.out(JSON.stringify(body, null, 2));
  else if (status === 201) {
    const subscription = body.subscription as { id: string; events: string[] };
    output.out(
      `Subscribed ${subscription.id} to ${target} (${subscription.events.join(', ')}) via ${channel.kind}.`,
    );
    if (typeof body.signingSecret === 'string') {
      output.out(`Webhook signing secret (shown once; Standard Webhooks): ${body.signingSecret}`);
    }
  } else {
    output.err(`${body.message ?? `failed (${status})`}`);
    for (const problem of (body.problems as { path: string; message: string }[] | undefined) ?? [])
      output.err(`  ${problem.path}: ${problem.message}`);
  }
  return status === 201 ? 0 : 1;
};

/** `mesh subscriptions [--json]`. */
export const subscriptionsCommand = async (output: Output, json: boolean): Promise<number> => {
  const { json: body } = await api('GET', '/subscriptions');
  const subscriptions = body.subscriptions as {
    id: string;
    consumer: string;
    target: { productId?: string; domain?: string };
    events: string[];
    channel: { kind: string };
    status: string;
  }[];
  if (json) output.out(JSON.stringify(subscriptions, null, 2));
  else if (subscriptions.length === 0)
    output.out('No subscriptions yet: mesh subscribe <product> --webhook URL');
  else {
    output.out(
      table([
        ['id', 'consumer', 'target', 'events', 'channel', 'status'],
        ...subscriptions.map((s) => [
          s.id,
          s.consumer,
          s.target.productId ?? `domain:${s.target.domain}`,
          s.events.join(','),
          s.channel.kind,
          s.status,
        ]),
      ]),
    );
  }
  return 0;
};

/** `mesh rotate-secret <id> [--json]`: a new webhook signing secret, shown once. */
export const rotateSecretCommand = async (
  output: Output,
  id: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!id) throw new UsageError('usage: mesh rotate-secret <subscription-id>');
  const { status, json: body } = await api('POST', `/subscriptions/${encodeURIComponent(id)}/secret`);
  if (json) output.out(JSON.stringify(body, null, 2));
  else if (status === 200) {
    output.out(`New webhook signing secret for ${id} (shown once; the old one no longer verifies):`);
    output.out(String(body.signingSecret));
  } else output.err(String(body.message ?? `failed (${status})`));
  return status === 200 ? 0 : 1;
};

/** `mesh unsubscribe <id>`. */
export const unsubscribeCommand = async (output: Output, id: string | undefined): Promise<number> => {
  if (!id) throw new UsageError('usage: mesh unsubscribe <subscription-id>');
  const { status, json: body } = await api('DELETE', `/subscriptions/${encodeURIComponent(id)}`);
  if (status === 200) output.out(`Deleted ${id}.`);
  else output.err(String(body.message ?? status));
  return status === 200 ? 0 : 1;
};

/** `mesh deliveries [--failed] [--json]`: the delivery ledger. */
export const deliveriesCommand = async (
  output: Output,
  failedOnly: boolean,
  json: boolean,
): Promise<number> => {
  const { json: body } = await api('GET', `/deliveries${failedOnly ? '?failed=true' : ''}`);
  const deliveries = body.deliveries as {
    subscriptionId: string;
    notificationId: string;
    productId: string;
    type: string;
    status: string;
    attempts: number;
    lastError?: string;
    updatedAt: string;
  }[];
  if (json) output.out(JSON.stringify(deliveries, null, 2));
  else if (deliveries.length === 0) output.out(failedOnly ? 'No failed deliveries.' : 'No deliveries yet.');
  else {
    output.out(
      table([
        ['when', 'subscription', 'product', 'type', 'status', 'attempts', 'last error'],
        ...deliveries.map((d) => [
          d.updatedAt,
          d.subscriptionId,
          d.productId,
          d.type,
          d.status,
          String(d.attempts),
          d.lastError ?? '',
        ]),
      ]),
    );
  }
  return 0;
};
