import { appendFile } from 'node:fs/promises';
import type { DeliveryMessage, DeliveryQueue } from '../../ports/delivery-queue';
import type { Logger } from '../../ports/logger';

/** The SQS event shape the delivery handler receives (one record per message). */
export interface LocalSqsEvent {
  Records: { messageId: string; body: string; attributes: { ApproximateReceiveCount: string } }[];
}

export type SqsBatchHandler = (
  event: LocalSqsEvent,
) => Promise<{ batchItemFailures: { itemIdentifier: string }[] }>;

export interface LocalDeliveryQueueOptions {
  /** The delivery handler module, as Lambda's SQS event source invokes it. */
  handler: SqsBatchHandler;
  /** Receives before a message is dead-lettered (SQS `maxReceiveCount`). @default 5 */
  maxReceiveCount?: number;
  /** Visibility delay before the first redelivery, doubled each time. @default 200 */
  retryBaseDelayMs?: number;
  /** Messages handled at once (Lambda's concurrency on the queue). @default 32 */
  concurrency?: number;
  deadLetterFile?: string;
  logger: Logger;
  /** Lets the local bus's `whenIdle` wait for deliveries too. */
  track: (work: Promise<unknown>) => void;
}

/**
 * The fan-out queue on one machine: the same delivery handler, invoked with SQS-shaped events, a message
 * retried with back-off while the handler reports it failed, then written to a dead-letter file — what SQS
 * with a redrive policy does on AWS. Messages are independent: one slow target never holds up the others.
 */
export class LocalDeliveryQueue implements DeliveryQueue {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private sequence = 0;
  private readonly options: Required<Omit<LocalDeliveryQueueOptions, 'deadLetterFile'>> &
    Pick<LocalDeliveryQueueOptions, 'deadLetterFile'>;

  constructor(options: LocalDeliveryQueueOptions) {
    this.options = { maxReceiveCount: 5, retryBaseDelayMs: 200, concurrency: 32, ...options };
  }

  async enqueue(messages: DeliveryMessage[]): Promise<void> {
    for (const message of messages) this.options.track(this.process(message));
  }

  private async process(message: DeliveryMessage): Promise<void> {
    const messageId = `local-${++this.sequence}`;
    const body = JSON.stringify(message);
    for (let receive = 1; ; receive++) {
      const failed = await this.slot(async () => {
        try {
          const result = await this.options.handler({
            Records: [{ messageId, body, attributes: { ApproximateReceiveCount: String(receive) } }],
          });
          return result.batchItemFailures.length > 0;
        } catch (error) {
          this.options.logger.warn('delivery handler failed', { error: String(error) });
          return true;
        }
      });
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
      await new Promise((resolve) => setTimeout(resolve, this.options.retryBaseDelayMs * 2 ** (receive - 1)));
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
