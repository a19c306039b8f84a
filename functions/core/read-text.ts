import type { Problem } from './problem';

export type TextRead = { ok: true; text: string } | { ok: false; problems: Problem[] };

/**
 * Reads a small text file (a contract, CODEOWNERS): refused past `limit` bytes without reading further (or
 * without opening it, when its size is known), or when it is not UTF-8. `path` names the file in the problems.
 */
export const readTextWithin = async (
  open: () => Promise<AsyncIterable<Uint8Array>>,
  options: { path: string; limit: number; knownSize?: number; what?: string },
): Promise<TextRead> => {
  const { path, limit } = options;
  const what = options.what ?? 'the file';
  const tooBig = (size: number): TextRead => ({
    ok: false,
    problems: [{ path, message: `${what} is ${size} bytes; the limit is ${limit} bytes` }],
  });
  if (options.knownSize !== undefined && options.knownSize > limit) return tooBig(options.knownSize);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of await open()) {
    size += chunk.byteLength;
    if (size > limit) return tooBig(size);
    chunks.push(chunk);
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) };
  } catch {
    return { ok: false, problems: [{ path, message: `${what} is not valid UTF-8 text` }] };
  }
};
