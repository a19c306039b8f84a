import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type Sample, timed } from './timing';

/** The ceiling: stream the file in the validator's chunk size and touch nothing. */
export const readOnly = async (file: string, highWaterMark: number): Promise<Sample> => {
  const { ms, value } = await timed(async () => {
    let bytes = 0;
    for await (const chunk of createReadStream(file, { highWaterMark })) bytes += (chunk as Buffer).length;
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
    for await (const chunk of createReadStream(file, { highWaterMark })) {
      bytes += (chunk as Buffer).length;
      hash.update(chunk as Buffer);
    }
    return { bytes, sha256: hash.digest('hex') };
  });
  return { ms, ...value };
};
