import { createHash } from 'node:crypto';

/**
 * A UUID-shaped id derived from its inputs (name-based, like UUID v5 but with SHA-256). The same inbound event
 * always yields the same domain event ids, which is what lets consumers drop duplicates.
 */
export const deterministicId = (...parts: string[]): string => {
  const hex = createHash('sha256').update(parts.join('\u0000')).digest('hex');
  const variant = ((Number.parseInt(hex[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
};
