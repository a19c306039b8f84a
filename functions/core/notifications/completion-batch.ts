import type { ClaimedDelivery, SubscriptionStore } from '../../ports/subscription-store';

/**
 * Records the sent deliveries of one batch together, without letting a slow sibling hold them back: pending
 * completions are written when every delivery of the batch has been sent or given up on, or `windowMs` after
 * the first one was sent, whichever comes first. A delivery counts as delivered once its write succeeded;
 * until then a crash or a timeout of the invocation would send it again (after its lease), so the window is
 * kept short.
 */
export class CompletionBatch {
  private pending: { delivery: ClaimedDelivery; recorded: (error?: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  private unsettled: number;

  constructor(
    private readonly store: Pick<SubscriptionStore, 'completeDeliveries'>,
    /** Deliveries in the batch: once all are sent or given up on, nothing is worth waiting for. */
    size: number,
    private readonly windowMs: number,
  ) {
    this.unsettled = size;
  }

  /** A sent delivery: resolves once it is recorded, rejects when the write failed. */
  record(delivery: ClaimedDelivery): Promise<void> {
    const recorded = new Promise<void>((resolve, reject) => {
      this.pending.push({ delivery, recorded: (error) => (error === undefined ? resolve() : reject(error)) });
    });
    this.timer ??= setTimeout(() => this.flush(), this.windowMs);
    this.settled();
    return recorded;
  }

  /** A delivery that will not be recorded here (skipped, failed, held by another attempt). */
  settled(): void {
    this.unsettled -= 1;
    if (this.unsettled <= 0) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.store.completeDeliveries(batch.map(({ delivery }) => delivery)).then(
      () => {
        for (const { recorded } of batch) recorded();
      },
      (error: unknown) => {
        for (const { recorded } of batch) recorded(error ?? new Error('recording the deliveries failed'));
      },
    );
  }
}
