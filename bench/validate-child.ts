import { createReadStream } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { validateCsv } from '../functions/core/csv/validate-csv';
import { BENCH_SPEC } from './bench-contract';

/*
 * Runs the validator once in a fresh process and prints its peak RSS as JSON: a process of its own, so that
 * the file generator, DuckDB and earlier runs do not inflate the number. Usage: <file> <highWaterMark> <maxErrors>
 */
const [file, highWaterMark = '65536', maxErrors = '100'] = process.argv.slice(2);
if (!file) throw new Error('usage: validate-child <file> [highWaterMark] [maxErrors]');

// maxRSS is in KiB; this is the process before any validation (runtime plus loaded code).
const startKiB = process.resourceUsage().maxRSS;
const started = performance.now();
const result = await validateCsv(
  createReadStream(file, { highWaterMark: Number(highWaterMark) }),
  BENCH_SPEC,
  { maxErrors: Number(maxErrors) },
);
const ms = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    maxRssKiB: process.resourceUsage().maxRSS,
    startKiB,
    heapUsedKiB: Math.round(process.memoryUsage().heapUsed / 1024),
    ms,
    bytes: result.bytes,
    rows: result.rows,
    errorCount: result.errorCount,
  })}\n`,
);
