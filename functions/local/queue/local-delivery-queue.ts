import { appendFile } from 'node:fs/promises';
import {
  DELIVERY_BATCH_SIZE,
  type DeferredDelivery,
  type DeliveryMessage,
  type DeliveryQueue,
} from '../../ports/delivery-queue';
import type { Logger } from '../../ports/logger';

/** The SQS event shape the delivery handler receives (one record per message). */
export interface LocalSqsRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string };
}

export interface LocalSqsEvent {
  Records: LocalSqsRecord[];
}

export type SqsBatchHandler = (
  event: LocalSqsEvent,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

export interface LocalDeliveryQueueOptions {
  /** The delivery handler module, as Lambda's SQS event source invokes it. */
  handler: SqsBatchHandler;
  /** Receives before a message is dead-lettered (SQS `maxReceiveCount`). @default 5 */
  maxReceiveCount?: number;
  /** How long a failed message stays hidden unless the handler set its back-off (`retryLater`). @default 1000 */
  visibilityTimeoutMs?: number;
  /** Waits out a message's hidden time (a timer; tests record the waits instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Handler invocations at once (Lambda's concurrency on the queue). @default 32 */
  concurrency?: number;
  /** Messages per invocation at most (the event source's `batchSize`). @default DELIVERY_BATCH_SIZE */
  batchSize?: number;
  deadLetterFile?: string;
  logger: Logger;
  /** Lets the local bus's `whenIdle` wait for deliveries too. */
  track: (work: Promise<unknown>) => void;
}

/**
 * The fan-out queue on one machine: the same delivery handler, invoked with SQS-shaped events, a message
 * handed out again while the handler reports it failed — after the back-off the handler set through
 * `retryLater`, else the visibility timeout — then written to a dead-letter file: what SQS with a redrive
 * policy does on AWS. Messages visible together are handed out in batches, as the SQS event source does; each
 * message's outcome is its own (a failed one goes back alone), and one slow target never holds up the others'
 * sending.
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private sequence = 0;
  /** Received messages waiting to be handed out together. */
  private readonly pending: { record: LocalSqsRecord; done: (failed: boolean) => void }[] = [];
  private flushScheduled = false;
  /** Hidden times set by `retryLater`, by receipt handle, until the message's next receive. */
  private readonly hiddenFor = new Map<string, number>();
  private readonly options: Required<Omit<LocalDeliveryQueueOptions, 'deadLetterFile'>> &
    Pick<LocalDeliveryQueueOptions, 'deadLetterFile'>;

  constructor(options: LocalDeliveryQueueOptions) {
    this.options = {
      maxReceiveCount: 5,
      visibilityTimeoutMs: 1000,
      concurrency: 32,
      batchSize: DELIVERY_BATCH_SIZE,
      sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      ...options,
    };
  }

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (const message of messages) this.options.track(this.process(message));
  }

  async retryLater(deliveries: DeferredDelivery[]): Promise<void> {
    for (const { receiptHandle, delayMs } of deliveries) this.hiddenFor.set(receiptHandle, delayMs);
  }

  private async process(message: DeliveryMessage): Promise<void> {
    const messageId = `local-${++this.sequence}`;
    const body = JSON.stringify(message);
    for (let receive = 1; ; receive++) {
      // A receipt handle names one receive of the message, as in SQS.
      const receiptHandle = `${messageId}#${receive}`;
      const failed = await this.receive({
        messageId,
        receiptHandle,
        body,
        attributes: { ApproximateReceiveCount: String(receive) },
      });
      const hidden = this.hiddenFor.get(receiptHandle) ?? this.options.visibilityTimeoutMs;
      this.hiddenFor.delete(receiptHandle);
      if (!failed) return;
      if (receive >= this.options.maxReceiveCount) {
        if (this.options.deadLetterFile) {
          await appendFile(
            this.options.deadLetterFile,
            `${JSON.stringify({ queue: 'notifications', receives: receive, message, deadLetteredAt: new Date().toISOString() })}\n`,
          );
        }
        return;
      }
      await this.options.sleep(hidden);
    }
  }

  /**
   * Hands a received message to the handler in a batch with the others received meanwhile (up to the batch
   * size, or what arrived in this turn of the event loop); resolves with whether the handler reported it failed.
   */
  private receive(record: LocalSqsRecord): Promise<boolean> {
    return new Promise((done) => {
      this.pending.push({ record, done });
      if (this.pending.length >= this.options.batchSize) this.flush();
      else if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => {
          this.flushScheduled = false;
          this.flush();
        });
      }
    });
  }

  private flush(): void {
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.options.batchSize);
      void this.slot(async () => {
        let failed: Set<string>;
        try {
          const result = await this.options.handler({ Records: batch.map(({ record }) => record) });
          failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        } catch (error) {
          // The whole invocation failed: every message of the batch is received again.
          this.options.logger.warn('delivery handler failed', { error: String(error) });
          failed = new Set(batch.map(({ record }) => record.messageId));
        }
        for (const { record, done } of batch) done(failed.has(record.messageId));
      });
    }
  }

  /** Runs `work` within the concurrency limit. */
  private async slot<T>(work: () => Promise<T>): Promise<T> {
    while (this.active >= this.options.concurrency)
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
