import { readdirSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileChunks } from '../../../functions/cli/read-file-chunks';
import { validateCsv } from '../../../functions/core/csv/validate-csv';
import { chunked, column, dialect } from '../csv/chunking';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'read-file-chunks-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const fileWith = async (name: string, content: string | Uint8Array): Promise<string> => {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
};

describe('readFileChunks', () => {
  it('yields the whole file in order, in chunks of at most the given size, each a new view', async () => {
    const content = Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 251));
    const path = await fileWith('bytes.bin', content);
    const copies: Buffer[] = [];
    const views = new Set<Uint8Array>();
    for await (const chunk of readFileChunks(path, 64)) {
      expect(chunk.length).toBeLessThanOrEqual(64);
      views.add(chunk);
      copies.push(Buffer.from(chunk));
    }
    expect(Buffer.concat(copies)).toEqual(content);
    expect(copies.map((c) => c.length)).toEqual([...Array(15).fill(64), 40]);
    expect(views.size).toBe(16);
  });

  it('reuses its buffers: a chunk kept past the next read holds other bytes', async () => {
    const path = await fileWith('abc.txt', 'aaaabbbbccccdddd');
    const kept: Buffer[] = [];
    for await (const chunk of readFileChunks(path, 4)) kept.push(chunk);
    // Two buffers take turns: the first chunk's memory now holds the third read ("cccc").
    expect(kept[0]?.toString()).toBe('cccc');
  });

  it('yields nothing for an empty file', async () => {
    const path = await fileWith('empty.csv', '');
    const chunks: Uint8Array[] = [];
    for await (const chunk of readFileChunks(path)) chunks.push(chunk);
    expect(chunks).toEqual([]);
  });

  it('closes the file when the caller stops early, and fails on a missing file', async () => {
    const path = await fileWith('stop.txt', 'x'.repeat(300));
    // Linux lists a process's open descriptors here: twenty early stops must leave none behind.
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const before = openFiles();
    for (let i = 0; i < 20; i++) {
      for await (const chunk of readFileChunks(path, 100)) {
        expect(chunk.length).toBe(100);
        break;
      }
    }
    expect(openFiles()).toBe(before);
    await expect(readFileChunks(join(dir, 'missing.csv')).next()).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('gives validateCsv what a fresh-buffer stream gives it, with records and keys across chunks', async () => {
    const rows = ['id,email,note'];
    for (let i = 1; i <= 400; i++) {
      const email = i % 50 === 0 ? 'dup@x.io' : `ʤ${i}@z.io`;
      rows.push(`${i},${email},"line one\nline ""two"", ${'é'.repeat(i % 7)}"`);
    }
    const csv = `${rows.join('\r\n')}\r\n`;
    const path = await fileWith('keys.csv', csv);
    const spec = {
      columns: [
        column('id', 'integer', { primaryKey: true }),
        column('email', 'string', { unique: true }),
        column('note'),
      ],
      dialect: dialect(),
    };
    const expected = await validateCsv(chunked(csv), spec, { maxErrors: 50 });
    for (const size of [7, 64, 1000]) {
      expect(await validateCsv(readFileChunks(path, size), spec, { maxErrors: 50 })).toEqual(expected);
    }
    expect(expected.errors.map((e) => [e.row, e.rule, e.value])).toEqual(
      [100, 150, 200, 250, 300, 350, 400].map((i) => [2 * i, 'unique', 'dup@x.io']),
    );
  });
});
