import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import * as z from '../../shared/zod';
import { ProductIdSchema } from '../contracts/data-contract';
import type { Problem } from '../problem';
import { createSubscription, requestedEvents } from './manage-subscriptions';
import type { NotificationDeps } from './notification-deps';
import { type Channel, ChannelSchema, NotificationTypeSchema } from './subscription';

/** The file a consumer keeps in its folder of the data repo. */
export const SUBSCRIPTIONS_FILE = 'subscriptions.yaml';

const EntrySchema = z.object({
  product: z.optional(ProductIdSchema),
  domain: z.optional(z.string()),
  events: z.optional(
    z
      .array(NotificationTypeSchema)
      .check(z.minLength(1, 'name at least one event type, or leave events out')),
  ),
  webhook: z.optional(z.string()),
  slack: z.optional(z.string()),
  teams: z.optional(z.string()),
  email: z.optional(z.string()),
  sqs: z.optional(z.string()),
  eventbridge: z.optional(z.string()),
});

export const SubscriptionsFileSchema = z.object({
  /** The team or person subscribing (`team:analytics`). */
  consumer: z.string().check(z.minLength(1)),
  subscriptions: z.array(EntrySchema),
});

const channelOf = (entry: z.infer<typeof EntrySchema>): Channel | string => {
  const kinds = (['webhook', 'slack', 'teams', 'email', 'sqs', 'eventbridge'] as const).filter(
    (k) => entry[k],
  );
  if (kinds.length !== 1) return 'name exactly one of webhook, slack, teams, email, sqs, eventbridge';
  const kind = kinds[0] as (typeof kinds)[number];
  const value = entry[kind] as string;
  if (kind === 'email') return { kind, address: value };
  if (kind === 'sqs') return { kind, queueArn: value };
  if (kind === 'eventbridge') return { kind, busArn: value };
  return { kind, url: value };
};

/** The consumer a `subscriptions.yaml` names, if it can be read. */
export const consumerOf = (text: string): string | undefined => {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch {
    return undefined;
  }
  const named = z.object({ consumer: z.string().check(z.minLength(1)) }).safeParse(document);
  return named.success ? named.data.consumer : undefined;
};

/**
 * A `subscriptions.yaml` as it was, given up (removed, or its consumer renamed): the same consumer with no
 * subscriptions (undefined when it named no consumer, so there is nothing to release).
 */
export const withoutSubscriptions = (previousText: string): string | undefined => {
  const consumer = consumerOf(previousText);
  return consumer === undefined ? undefined : stringifyYaml({ consumer, subscriptions: [] });
};

export interface SubscriptionsSyncResult {
  created: string[];
  /** Subscriptions whose event types the file changed. */
  updated: string[];
  unchanged: string[];
  deleted: string[];
  problems: Problem[];
}

/**
 * GitOps subscriptions: `<folder>/subscriptions.yaml` declares a consumer's subscriptions. Each entry becomes the
 * same record the API and the CLI create (source `gitops`); the consumer's gitops subscriptions that the file
 * no longer lists are deleted, so the file is the truth. Problems name the entry (`subscriptions[2].slack`).
 */
export const syncGitopsSubscriptions = async (
  deps: Pick<NotificationDeps, 'subscriptions' | 'registry' | 'events' | 'clock' | 'settings' | 'newSecret'>,
  file: { path: string; text: string; actor: string },
): Promise<SubscriptionsSyncResult> => {
  const result: SubscriptionsSyncResult = {
    created: [],
    updated: [],
    unchanged: [],
    deleted: [],
    problems: [],
  };
  let document: unknown;
  try {
    document = parseYaml(file.text);
  } catch (error) {
    result.problems.push({ path: file.path, message: `not valid YAML: ${(error as Error).message}` });
    return result;
  }
  const parsed = SubscriptionsFileSchema.safeParse(document);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      result.problems.push({
        path: `${file.path}: ${issue.path.join('.') || '(root)'}`,
        message: issue.message,
      });
    return result;
  }
  const { consumer } = parsed.data;
  const current = (await deps.subscriptions.list(consumer)).filter((s) => s.source === 'gitops');
  // One file per consumer: two files would each delete what the other declares, on every push.
  const elsewhere = current.find((s) => s.declaredIn && s.declaredIn !== file.path);
  if (elsewhere) {
    result.problems.push({
      path: file.path,
      message: `consumer "${consumer}" is declared in ${elsewhere.declaredIn}: keep a consumer's subscriptions in one file (or remove it from there first)`,
    });
    return result;
  }
  const kept = new Set<string>();
  for (const [index, entry] of parsed.data.subscriptions.entries()) {
    const where = `${file.path}: subscriptions[${index}]`;
    const channel = channelOf(entry);
    if (typeof channel === 'string' || (entry.product === undefined) === (entry.domain === undefined)) {
      result.problems.push({
        path: where,
        message: typeof channel === 'string' ? channel : 'name either a product or a domain',
      });
      continue;
    }
    const valid = ChannelSchema.safeParse(channel);
    if (!valid.success) {
      result.problems.push({
        path: `${where}.${channel.kind}`,
        message: valid.error.issues[0]?.message ?? 'invalid',
      });
      continue;
    }
    const outcome = await createSubscription(deps, {
      consumer: parsed.data.consumer,
      target: entry.product !== undefined ? { productId: entry.product } : { domain: entry.domain ?? '' },
      ...(entry.events ? { events: entry.events } : {}),
      channel,
      source: 'gitops',
      createdBy: file.actor,
      declaredIn: file.path,
    });
    if (outcome.status === 'invalid') {
      for (const problem of outcome.problems)
        result.problems.push({ path: `${where}.${problem.path}`, message: problem.message });
      continue;
    }
    const { id, events } = outcome.subscription;
    kept.add(id);
    if (outcome.status === 'created') {
      result.created.push(id);
      continue;
    }
    // The file is the truth for what its subscriptions are told, not only for which exist.
    const wanted = requestedEvents(entry.events);
    const sameTypes = wanted.length === events.length && wanted.every((type) => events.includes(type));
    if (!sameTypes && (await deps.subscriptions.updateEvents(id, wanted))) result.updated.push(id);
    else result.unchanged.push(id);
  }
  // Only a file without problems removes what it no longer lists: a typo must not delete subscriptions.
  if (result.problems.length === 0) {
    for (const existing of current) {
      if (!kept.has(existing.id) && (await deps.subscriptions.delete(existing.id)))
        result.deleted.push(existing.id);
    }
  }
  return result;
};
