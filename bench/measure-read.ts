import { createHash } from 'node:crypto';
import { readFileChunks } from '../functions/cli/read-file-chunks';
import { type Sample, timed } from './timing';

/** The ceiling: read the file as the validator is given it (same reader, same chunk size) and touch nothing. */
export const readOnly = async (file: string, highWaterMark: number): Promise<Sample> => {
  const { ms, value } = await timed(async () => {
    let bytes = 0;
    for await (const chunk of readFileChunks(file, highWaterMark)) bytes += chunk.length;
    return bytes;
  });
  return { ms, bytes: value };
};

/** Read plus SHA-256, which the validator also computes: the ceiling of any validator that hashes. */
export const readAndHash = async (
  file: string,
  highWaterMark: number,
): Promise<Sample & { sha256: string }> => {
  const { ms, value } = await timed(async () => {
    const hash = createHash('sha256');
    let bytes = 0;
    for await (const chunk of readFileChunks(file, highWaterMark)) {
      bytes += chunk.length;
      hash.update(chunk);
    }
    return { bytes, sha256: hash.digest('hex') };
  });
  return { ms, ...value };
};
