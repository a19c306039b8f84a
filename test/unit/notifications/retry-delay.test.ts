import { describe, expect, it } from 'vitest';
import { DEFAULT_NOTIFICATION_SETTINGS } from '../../../functions/core/notifications/notification-deps';
import { retryDelayMs } from '../../../functions/core/notifications/retry-delay';

const aws = DEFAULT_NOTIFICATION_SETTINGS.retryBackoff;

describe('Function: retryDelayMs', () => {
  it('doubles the wait after each attempt on AWS: 1, 2, 4, 8 minutes, never more than 15', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => retryDelayMs(attempt, aws) / 60_000)).toEqual([
      1, 2, 4, 8, 15, 15,
    ]);
  });

  it('waits at least what the target asked for, but no longer than the cap', () => {
    expect(retryDelayMs(1, aws, 5 * 60_000)).toBe(5 * 60_000);
    expect(retryDelayMs(3, aws, 1_000)).toBe(4 * 60_000);
    expect(retryDelayMs(1, aws, 86_400_000)).toBe(15 * 60_000);
  });
});
