import type { RetryBackoff } from './notification-deps';

/**
 * How long a delivery that failed on `attempt` (1 for the first) waits before the next: `baseMs` doubled per
 * attempt, up to `maxMs`. A target that said how long to wait (`Retry-After`) gets at least that, within the
 * same cap, so a broken clock or a hostile header cannot park a message for days.
 */
export const retryDelayMs = (attempt: number, backoff: RetryBackoff, requestedMs?: number): number => {
  const exponential = backoff.baseMs * 2 ** Math.max(0, attempt - 1);
  return Math.min(backoff.maxMs, Math.max(exponential, requestedMs ?? 0));
};
