import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CompletionBatch } from '../../../functions/core/notifications/completion-batch';
import type { ClaimedDelivery } from '../../../functions/ports/subscription-store';

const sent = (notificationId: string): ClaimedDelivery => ({
  subscriptionId: 'sub_a',
  notificationId,
  productId: 'orders',
  type: 'version-published',
  attempts: 1,
});

describe('CompletionBatch', () => {
  let writes: string[][];
  let failing: boolean;
  const store = {
    completeDeliveries: async (deliveries: readonly ClaimedDelivery[]) => {
      if (failing) throw new Error('ProvisionedThroughputExceeded');
      writes.push(deliveries.map((d) => d.notificationId));
    },
  };

  beforeEach(() => {
    vi.useFakeTimers();
    writes = [];
    failing = false;
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('records the whole batch in one write as soon as every delivery is sent or given up on', async () => {
    const batch = new CompletionBatch(store, 3, 100);

    const recorded = Promise.all([batch.record(sent('n1')), batch.record(sent('n2'))]);
    batch.settled();
    await recorded;

    expect(writes).toEqual([['n1', 'n2']]);
  });

  it('does not let a slow delivery hold back the records of the sent ones beyond the window', async () => {
    const batch = new CompletionBatch(store, 3, 100);

    const first = batch.record(sent('n1'));
    await vi.advanceTimersByTimeAsync(99);
    expect(writes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    await first;
    expect(writes).toEqual([['n1']]);

    const second = batch.record(sent('n2'));
    batch.settled();
    await second;
    expect(writes).toEqual([['n1'], ['n2']]);
  });

  it('fails the records of a write that failed, so that those deliveries are retried', async () => {
    failing = true;
    const batch = new CompletionBatch(store, 2, 100);

    const results = Promise.allSettled([batch.record(sent('n1')), batch.record(sent('n2'))]);

    expect((await results).map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
