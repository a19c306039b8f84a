import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { EventBridgeEnvelopeSchema } from '../../../events/event-contract';
import * as z from '../../shared/zod';
import { localClients, readEndpoints } from '../local-connection';
import { type Output, UsageError } from '../output';

const EntrySchema = z.object({
  Source: z.string(),
  DetailType: z.string(),
  Detail: z.union([z.string(), z.record(z.string(), z.unknown())]),
  Resources: z.optional(z.array(z.string())),
  Time: z.optional(z.string()),
});

/** Accepts what `aws events put-events --entries file://…` takes, or whole EventBridge envelopes (the samples). */
const toEntries = (json: unknown): PutEventsRequestEntry[] => {
  const items = Array.isArray(json)
    ? json
    : (z.object({ Entries: z.array(z.unknown()) }).safeParse(json).data?.Entries ?? [json]);
  return items.map((item, i) => {
    const envelope = EventBridgeEnvelopeSchema.safeParse(item);
    if (envelope.success) {
      const e = envelope.data;
      return {
        Source: e.source,
        DetailType: e['detail-type'],
        Detail: JSON.stringify(e.detail),
        Resources: e.resources,
        Time: new Date(e.time),
      };
    }
    const entry = EntrySchema.safeParse(item);
    if (!entry.success) {
      throw new UsageError(
        `event ${i}: neither an EventBridge envelope nor a PutEvents entry (${entry.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')})`,
      );
    }
    const { Detail, Time, ...rest } = entry.data;
    return {
      ...rest,
      Detail: typeof Detail === 'string' ? Detail : JSON.stringify(Detail),
      ...(Time ? { Time: new Date(Time) } : {}),
    };
  });
};

/** `mesh events put <file>`: puts events on the local bus through the EventBridge API, like `aws events put-events`. */
export const eventsPutCommand = async (
  output: Output,
  file: string | undefined,
  json: boolean,
): Promise<number> => {
  if (!file) throw new UsageError('usage: mesh events put <file.json> [--json]');
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const entries = toEntries(parsed);
  const endpoints = await readEndpoints();
  const { events } = localClients(endpoints);
  const results = [];
  for (let i = 0; i < entries.length; i += 10) {
    const out = await events.send(
      new PutEventsCommand({
        Entries: entries.slice(i, i + 10).map((e) => ({ ...e, EventBusName: endpoints.busName })),
      }),
    );
    results.push(...(out.Entries ?? []));
  }
  const failed = results.filter((r) => r.ErrorCode);
  if (json) output.out(JSON.stringify({ FailedEntryCount: failed.length, Entries: results }, null, 2));
  else
    for (const r of results)
      output.out(r.EventId ? `accepted ${r.EventId}` : `REJECTED ${r.ErrorCode}: ${r.ErrorMessage}`);
  return failed.length === 0 ? 0 : 1;
};

const SummarySchemas = {
  product: z.object({
    product: z.object({ name: z.string(), ownerTeam: z.string(), contractVersion: z.string() }),
  }),
  version: z.object({
    version: z.object({ rows: z.number(), size: z.number(), object: z.object({ key: z.string() }) }),
  }),
  failed: z.object({
    errorCount: z.number(),
    object: z.object({ key: z.string() }),
    errors: z.array(z.object({ row: z.number(), column: z.nullable(z.string()), rule: z.string() })),
  }),
  rejected: z.object({ reason: z.string(), message: z.string() }),
  s3: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
};

const summarise = (detail: unknown): string => {
  const product = SummarySchemas.product.safeParse(detail).data;
  if (product)
    return `${product.product.name} v${product.product.contractVersion} (owner ${product.product.ownerTeam})`;
  const version = SummarySchemas.version.safeParse(detail).data?.version;
  if (version) return `${version.object.key}: ${version.rows} rows, ${version.size} bytes`;
  const failed = SummarySchemas.failed.safeParse(detail).data;
  if (failed) {
    const first = failed.errors[0];
    const where = first
      ? `; first: row ${first.row}${first.column ? ` ${first.column}` : ''} ${first.rule}`
      : '';
    return `${failed.object.key}: ${failed.errorCount} errors${where}`;
  }
  const rejected = SummarySchemas.rejected.safeParse(detail).data;
  if (rejected) return `[${rejected.reason}] ${rejected.message}`;
  const s3 = SummarySchemas.s3.safeParse(detail).data;
  return s3 ? `s3://${s3.bucket.name}/${s3.object.key}` : '';
};

/** One line per event for humans: time, type, product and what happened. */
export const describeEvent = (line: string): string => {
  const parsed = EventBridgeEnvelopeSchema.safeParse(JSON.parse(line));
  if (!parsed.success) return line;
  const e = parsed.data;
  const metadata = z.object({ metadata: z.object({ productId: z.string() }) }).safeParse(e.detail)
    .data?.metadata;
  return `${e.time}  ${e['detail-type'].padEnd(31)} ${(metadata?.productId ?? '-').padEnd(14)} ${summarise(e.detail)}`;
};

/** `mesh events tail [--json] [--lines N]`: the bus's recent events, then new ones as they come. */
export const eventsTailCommand = async (
  output: Output,
  json: boolean,
  lines: number,
  follow: boolean,
): Promise<number> => {
  const { eventLog } = await readEndpoints();
  const print = (line: string) => output.out(json ? line : describeEvent(line));
  let position = 0;
  const readFrom = async (start: number) => {
    let text = '';
    for await (const chunk of createReadStream(eventLog, { start, encoding: 'utf8' })) text += chunk;
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    return { lines: complete.split('\n').filter(Boolean), bytes: Buffer.byteLength(complete) };
  };
  const size = (await stat(eventLog).catch(() => undefined))?.size ?? 0;
  if (size > 0) {
    const first = await readFrom(0);
    first.lines.slice(-lines).forEach(print);
    position = first.bytes;
  }
  if (!follow) return 0;
  await new Promise<void>((resolve) => {
    const timer = setInterval(async () => {
      const current = (await stat(eventLog).catch(() => undefined))?.size ?? 0;
      if (current <= position) return;
      const next = await readFrom(position);
      position += next.bytes;
      next.lines.forEach(print);
    }, 250);
    process.once('SIGINT', () => {
      clearInterval(timer);
      resolve();
    });
  });
  return 0;
};

/** `mesh events replay [--json]`: re-delivers the dead-lettered events to the rules that gave up on them. */
export const eventsReplayCommand = async (output: Output, json: boolean): Promise<number> => {
  const endpoints = await readEndpoints();
  const response = await fetch(`${endpoints.http}/dead-letters/replay`, { method: 'POST' });
  const result = ReplayResultSchema.parse(await response.json());
  if (json) output.out(JSON.stringify(result));
  else if (result.replayed === 0) output.out(`No dead letters in ${endpoints.deadLetters}.`);
  else {
    output.out(
      `Replayed ${result.replayed} dead-lettered event(s): ${result.replayed - result.failedAgain} delivered, ${result.failedAgain} failed again (kept in ${endpoints.deadLetters}).`,
    );
  }
  return result.failedAgain === 0 ? 0 : 1;
};

const ReplayResultSchema = z.object({ replayed: z.number(), failedAgain: z.number() });
