/**
 * Milliseconds a `Retry-After` header asks a client to wait: delay-seconds or an HTTP date (RFC 9110 §10.2.3).
 * `undefined` when absent or unreadable, so the caller keeps its own back-off.
 */
export const retryAfterMs = (value: string | null | undefined, now = Date.now()): number | undefined => {
  const text = value?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
};
