import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { type EventBridgeEnvelope, EventBridgeEnvelopeSchema } from '../../../events/event-contract';
import type { Logger } from '../../ports/logger';
import * as z from '../../shared/zod';
import { type CompiledPattern, compilePattern } from './event-pattern';

/** A rule target: the same handler module the Lambda runs, invoked in-process. */
export type LocalTarget = (event: EventBridgeEnvelope) => Promise<unknown>;

export interface LocalBusOptions {
  name: string;
  account: string;
  region: string;
  /** JSON-lines file every accepted event is appended to (what `mesh events tail` follows). */
  eventLogFile?: string;
  /** JSON-lines file of events whose target kept failing (the local dead-letter queue). */
  deadLetterFile?: string;
  /** Attempts per target before dead-lettering. @default 6 */
  maxAttempts?: number;
  /** First retry delay, doubled each attempt. @default 200 */
  retryBaseDelayMs?: number;
  logger: Logger;
}

/** One entry of PutEvents, as the EventBridge API takes it. */
export interface PutEventsEntry {
  Source?: string;
  DetailType?: string;
  Detail?: string;
  Resources?: string[];
  Time?: Date | string | number;
  EventBusName?: string;
}

export type PutEventsResultEntry = { EventId: string } | { ErrorCode: string; ErrorMessage: string };

const DeadLetterSchema = z.object({
  rule: z.string(),
  event: EventBridgeEnvelopeSchema,
  attempts: z.number(),
  error: z.string(),
  deadLetteredAt: z.string(),
});

export type DeadLetter = z.infer<typeof DeadLetterSchema>;

/** EventBridge's limit on one event, detail and envelope included. */
const MAX_EVENT_BYTES = 256 * 1024;

/**
 * An in-process event bus that routes by the very patterns the CDK rules deploy (same matcher semantics as
 * EventBridge) and invokes the same handler modules, with retries and a dead-letter store.
 * Delivery is asynchronous, like EventBridge's: `put` returns once events are accepted.
 */
export class LocalBus extends EventEmitter {
  private readonly rules: { id: string; pattern: CompiledPattern; target: LocalTarget }[] = [];
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private writes: Promise<unknown> = Promise.resolve();
  private readonly options: Required<Omit<LocalBusOptions, 'eventLogFile' | 'deadLetterFile'>> &
    Pick<LocalBusOptions, 'eventLogFile' | 'deadLetterFile'>;

  constructor(options: LocalBusOptions) {
    super();
    this.options = { maxAttempts: 6, retryBaseDelayMs: 200, ...options };
  }

  get name() {
    return this.options.name;
  }

  /** Adds a rule; the pattern is validated as EventBridge would (an invalid one throws). */
  addRule(id: string, pattern: unknown, target: LocalTarget): void {
    this.rules.push({ id, pattern: compilePattern(pattern), target });
  }

  /** The PutEvents API: validates each entry, answers per entry, and routes the accepted ones. */
  putEvents(entries: PutEventsEntry[]): PutEventsResultEntry[] {
    return entries.map((entry) => {
      const problem = entryProblem(entry);
      if (problem) return { ErrorCode: 'MalformedDetail', ErrorMessage: problem };
      const envelope: EventBridgeEnvelope = {
        version: '0',
        id: randomUUID(),
        'detail-type': entry.DetailType ?? '',
        source: entry.Source ?? '',
        account: this.options.account,
        time: toIsoSeconds(entry.Time),
        region: this.options.region,
        resources: entry.Resources ?? [],
        detail: JSON.parse(entry.Detail ?? '{}'),
      };
      if (Buffer.byteLength(JSON.stringify(envelope)) > MAX_EVENT_BYTES) {
        return { ErrorCode: 'ValidationException', ErrorMessage: 'event is larger than 256 KB' };
      }
      this.route(envelope);
      return { EventId: envelope.id };
    });
  }

  /** Accepts a whole envelope (how AWS services such as S3 deliver their events). */
  putEnvelope(envelope: EventBridgeEnvelope): void {
    this.route(EventBridgeEnvelopeSchema.parse(envelope));
  }

  /**
   * Re-delivers dead-lettered events to the rule that gave up on them (like an EventBridge archive replay
   * aimed at one rule), with the original envelope, so idempotent handlers recognise what they already did.
   * The dead-letter file keeps only the events that fail again.
   */
  async replayDeadLetters(): Promise<{ replayed: number; failedAgain: number }> {
    const file = this.options.deadLetterFile;
    if (!file) return { replayed: 0, failedAgain: 0 };
    await this.whenIdle();
    const text = await readFile(file, 'utf8').catch(() => '');
    const letters = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => DeadLetterSchema.parse(JSON.parse(line)));
    await writeFile(file, '');
    let failedAgain = 0;
    const counter = () => failedAgain++;
    this.on('dead-letter', counter);
    try {
      for (const letter of letters) {
        const rule = this.rules.find((candidate) => candidate.id === letter.rule);
        if (!rule) {
          this.append(file, letter);
          failedAgain++;
          continue;
        }
        const delivery = this.deliver(rule, letter.event);
        this.track(delivery);
        await delivery;
      }
      await this.whenIdle();
    } finally {
      this.off('dead-letter', counter);
    }
    return { replayed: letters.length, failedAgain };
  }

  /**
   * Counts work as in flight until it settles: rule deliveries, and work that events started elsewhere (the
   * local delivery queue), so that `whenIdle` waits for both.
   */
  track(work: Promise<unknown>): void {
    this.inFlight++;
    void work.finally(() => {
      this.inFlight--;
      if (this.inFlight === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    });
  }

  /** Resolves when every accepted event has been delivered, retried or dead-lettered, and logged. */
  async whenIdle(): Promise<void> {
    while (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    await this.writes;
  }

  private route(envelope: EventBridgeEnvelope): void {
    this.append(this.options.eventLogFile, envelope);
    this.emit('event', envelope);
    for (const rule of this.rules) {
      if (!rule.pattern.matches(envelope)) continue;
      this.track(this.deliver(rule, envelope));
    }
  }

  private async deliver(rule: (typeof this.rules)[number], envelope: EventBridgeEnvelope): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await rule.target(structuredClone(envelope));
        return;
      } catch (error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        // An event that fails its contract, or that its target refused for good (a bad token, an invalid
        // proposal), would fail again: dead-letter it at once instead of retrying.
        const retryable = !(error instanceof Error && 'retryable' in error && error.retryable === false);
        if (!retryable || attempt >= this.options.maxAttempts) {
          const dead: DeadLetter = {
            rule: rule.id,
            event: envelope,
            attempts: attempt,
            error: message,
            deadLetteredAt: new Date().toISOString(),
          };
          this.options.logger.error('event dead-lettered', {
            rule: rule.id,
            eventId: envelope.id,
            error: message,
          });
          this.append(this.options.deadLetterFile, dead);
          this.emit('dead-letter', dead);
          return;
        }
        this.options.logger.warn('target failed, retrying', {
          rule: rule.id,
          eventId: envelope.id,
          attempt,
          error: message,
        });
        await new Promise((resolve) =>
          setTimeout(resolve, this.options.retryBaseDelayMs * 2 ** (attempt - 1)),
        );
      }
    }
  }

  private append(file: string | undefined, record: unknown): void {
    if (!file) return;
    const line = `${JSON.stringify(record)}\n`;
    this.writes = this.writes
      .then(() => appendFile(file, line))
      .catch((error) =>
        this.options.logger.error('could not write the bus log', { file, error: String(error) }),
      );
  }
}

const entryProblem = (entry: PutEventsEntry): string | undefined => {
  if (!entry.Source) return 'Source is required';
  if (!entry.DetailType) return 'DetailType is required';
  if (entry.Detail === undefined) return 'Detail is required';
  try {
    const detail: unknown = JSON.parse(entry.Detail);
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail))
      return 'Detail must be a JSON object';
  } catch {
    return 'Detail is not valid JSON';
  }
  return undefined;
};

/** EventBridge event times have second precision. */
const toIsoSeconds = (time: PutEventsEntry['Time']): string => {
  const date = time === undefined ? new Date() : new Date(time);
  return `${date.toISOString().slice(0, 19)}Z`;
};
