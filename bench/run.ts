import { mkdir, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CAST_DEFECTS } from './bench-contract';
import { checkExactness, type Exactness, isExact } from './exactness';
import { type GeneratedCsv, generateCsv } from './generate-csv';
import { type BundleSize, bundleHandler, handlerEntries } from './measure-bundles';
import { DuckDbBench, type DuckDbRun } from './measure-duckdb';
import type { FanOutLatency } from './measure-notification-fan-out';
import type { PublishLatency } from './measure-publish-latency';
import { readAndHash, readOnly } from './measure-read';
import { bundleChild, measureRss, type RssRun } from './measure-rss';
import type { ValidatorRun } from './measure-validator';
import { fixed, int, mb, seconds, type TargetRow, table, targetsTable } from './report';
import { type Sample, summarize, type Throughput } from './timing';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
// As in bin/mesh.mjs: the SDK's reminder that it will want Node 22 is noise here (the SDK is imported later).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const TARGET_SPEED_RATIO = 1.0;
const GOAL_SPEED_RATIO = 1.5;
const TARGET_RSS_MIB = 100;
const TARGET_BUNDLE_KB = 600;
const TARGET_PUBLISH_MS = 2000;
const TARGET_FAN_OUT_MS = 2000;

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'size-mb': { type: 'string' },
    runs: { type: 'string' },
    seed: { type: 'string', default: '20260101' },
    // The chunk size `mesh validate` reads local files with (READ_CHUNK_BYTES in functions/cli/read-file-chunks.ts).
    'chunk-kb': { type: 'string', default: '1024' },
    'defects-per-kind': { type: 'string', default: '25' },
    // Webhook subscriptions in the notification fan-out measurement (the issue's 1,000).
    subscriptions: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: join(ROOT, 'bench/results/latest.json') },
  },
});

const sizeMb = Number(args['size-mb'] ?? (args.quick ? 20 : 100));
// Below 20 MB the small RSS file would be the same size: then it is a quarter of the main one.
const smallSizeMb = sizeMb > 20 ? 20 : Math.max(1, sizeMb / 4);
const runs = Math.max(1, Number(args.runs ?? (args.quick ? 3 : 5)));
const seed = Number(args.seed);
const highWaterMark = Number(args['chunk-kb']) * 1024;
const defectsPerKind = Number(args['defects-per-kind']);

const log = (text = ''): void => {
  process.stdout.write(`${text}\n`);
};
const progress = (text: string): void => {
  process.stderr.write(`… ${text}\n`);
};

const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));

const main = async (): Promise<void> => {
  const workDir = join(tmpdir(), `mesh-bench-${process.pid}`);
  await mkdir(workDir, { recursive: true });
  try {
    await bench(workDir);
  } finally {
    if (!args.keep) await rm(workDir, { recursive: true, force: true });
  }
};

const bench = async (workDir: string): Promise<void> => {
  progress(`generating ${sizeMb} MB and ${smallSizeMb} MB CSV files under ${workDir}`);
  const full = await generateCsv({
    file: join(workDir, `bench-${sizeMb}mb.csv`),
    targetBytes: sizeMb * 1e6,
    seed,
    defectsPerKind,
  });
  const small = await generateCsv({
    file: join(workDir, `bench-${smallSizeMb}mb.csv`),
    targetBytes: smallSizeMb * 1e6,
    seed,
    defectsPerKind,
  });
  // Large enough that every injected defect (and any surprise) is listed, not only counted.
  const maxErrors = Math.max(100, full.defects.length * 10);

  progress('bundling the Lambda handlers as HouseFunction does');
  const bundles: BundleSize[] = [];
  for (const entry of await handlerEntries(ROOT)) bundles.push(await bundleHandler(entry));

  let duck: DuckDbBench | undefined;
  let duckError: string | undefined;
  try {
    duck = await DuckDbBench.open();
  } catch (error) {
    duckError = errorText(error);
  }

  // Warm the page cache so that every engine reads the file from memory, as the first one would not.
  await readOnly(full.file, highWaterMark);
  const raw: Sample[] = [];
  const hashed: Sample[] = [];
  const validated: ValidatorRun[] = [];
  const duckTyped: DuckDbRun[] = [];
  const duckChecked: DuckDbRun[] = [];
  let sha256 = '';
  let validatorError: string | undefined;
  // Imported here so that a validator that fails to load (it is under active work) fails only its own lines.
  const runValidator = await import('./measure-validator').then(
    (module) => module.runValidator,
    (error: unknown) => {
      validatorError = `cannot load: ${errorText(error)}`;
      return undefined;
    },
  );
  // Engines take turns within each run, so a burst of load elsewhere on the machine hits all of them alike.
  for (let run = 1; run <= runs; run++) {
    progress(`run ${run}/${runs}: raw read, read+sha256, validator, DuckDB`);
    raw.push(await readOnly(full.file, highWaterMark));
    const h = await readAndHash(full.file, highWaterMark);
    sha256 = h.sha256;
    hashed.push(h);
    if (runValidator && validatorError === undefined) {
      try {
        validated.push(await runValidator(full.file, highWaterMark, maxErrors));
      } catch (error) {
        validatorError = errorText(error);
      }
    }
    if (duck && duckError === undefined) {
      try {
        duckTyped.push(await duck.typedRead(full.file, full.bytes));
        duckChecked.push(await duck.checkedRead(full.file, full.bytes));
      } catch (error) {
        duckError = errorText(error);
      }
    }
  }
  duck?.close();

  progress('peak RSS of the validator in a child process');
  const rss: RssRun[] = [];
  let rssError: string | undefined;
  try {
    const child = await bundleChild(ROOT);
    for (const file of [small, full]) rss.push(await measureRss(child, file.file, highWaterMark, maxErrors));
  } catch (error) {
    rssError = errorText(error);
  }

  progress('upload → version visible in `mesh product show` (local platform)');
  let latency: PublishLatency | undefined;
  let latencyError: string | undefined;
  try {
    // The local platform is loaded only now, so that the engines above ran in a process holding what a CLI
    // validating files holds (the SDK and the platform's modules made those runs slower in some trials).
    const { measurePublishLatency } = await import('./measure-publish-latency');
    latency = await measurePublishLatency(5);
  } catch (error) {
    latencyError = errorText(error);
  }

  const subscriptionCount = Number(args.subscriptions ?? (args.quick ? 100 : 1000));
  progress(`${subscriptionCount} webhook subscriptions: Version Published → last delivery (local platform)`);
  // The platform runs in this process, so it gets the young generation `npm start` gives it only if
  // `npm run bench` started the process (see bin/mesh.mjs).
  if (
    ![...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].some((flag) =>
      flag.startsWith('--max-semi-space-size'),
    )
  )
    progress('started without `npm run bench`: no --max-semi-space-size as `npm start` gives the platform');
  let fanOut: FanOutLatency | undefined;
  let fanOutError: string | undefined;
  try {
    const { measureNotificationFanOut } = await import('./measure-notification-fan-out');
    fanOut = await measureNotificationFanOut(subscriptionCount);
  } catch (error) {
    fanOutError = errorText(error);
  }

  const first = validated[0];
  const exactness = first ? checkExactness(full, first.result, sha256) : undefined;
  const throughput = {
    rawRead: summarize(raw),
    readSha256: summarize(hashed),
    validator: validated.length > 0 ? summarize(validated) : undefined,
    duckdbTyped: duckTyped.length > 0 ? summarize(duckTyped) : undefined,
    duckdbChecked: duckChecked.length > 0 ? summarize(duckChecked) : undefined,
  };
  const targets = buildTargets(throughput, rss, exactness, bundles);
  targets.push({
    check: 'upload → version in mesh product show',
    value: latency ? `${fixed(latency.maxMs, 0)} ms max, ${fixed(latency.medianMs, 0)} ms median` : 'n/a',
    target: `≤ ${TARGET_PUBLISH_MS} ms`,
    pass: latency !== undefined && latency.maxMs <= TARGET_PUBLISH_MS,
    note: latencyError,
  });
  targets.push({
    check: `${subscriptionCount} webhooks: published → last delivery`,
    value: fanOut
      ? `${fixed(fanOut.medianLastDeliveryMs, 0)} ms median, ${fixed(fanOut.bestLastDeliveryMs, 0)} ms best of ${fanOut.rounds.length} versions`
      : 'n/a',
    target: `≤ ${TARGET_FAN_OUT_MS} ms`,
    // The median round, not the best: a target met by one lucky round is not met.
    pass: fanOut !== undefined && fanOut.medianLastDeliveryMs <= TARGET_FAN_OUT_MS,
    note: fanOutError,
  });
  targets.push({
    check: 'deliveries per subscription',
    value: fanOut
      ? `${fanOut.exactlyOnce} exactly once, ${fanOut.duplicates} twice+, ${fanOut.missing} missing`
      : 'n/a',
    target: 'exactly one each',
    pass: fanOut !== undefined && fanOut.exactlyOnce === fanOut.subscriptions,
    note: fanOutError,
  });

  printSummary(full, small, maxErrors, throughput, duckTyped, rss, exactness, bundles, targets, {
    validatorError,
    duckError,
    rssError,
  });

  const results = {
    date: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: `${process.platform}-${process.arch}`,
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
    },
    config: { sizeMb, smallSizeMb, runs, seed, highWaterMark, defectsPerKind, maxErrors },
    generated: {
      full: { ...full, defects: full.defects.length },
      small: { ...small, defects: small.defects.length },
    },
    throughput,
    duckdb: {
      rowsKept: duckTyped[0]?.rows,
      rowsExpected: full.rows - castDefects(full),
      error: duckError,
    },
    ratios: ratios(throughput),
    rss: { runs: rss, error: rssError },
    exactness,
    validatorError,
    bundles,
    publishLatency: latency ?? { error: latencyError },
    notificationFanOut: fanOut ?? { error: fanOutError },
    targets,
  };
  await mkdir(join(args.out, '..'), { recursive: true });
  await writeFile(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nResults written to ${args.out}`);
};

const castDefects = (csv: GeneratedCsv): number =>
  csv.defects.filter((d) => CAST_DEFECTS.includes(d.kind)).length;

interface Throughputs {
  rawRead: Throughput;
  readSha256: Throughput;
  validator: Throughput | undefined;
  duckdbTyped: Throughput | undefined;
  duckdbChecked: Throughput | undefined;
}

const ratios = (t: Throughputs) => ({
  validatorVsRawRead: t.validator ? t.validator.mbPerS / t.rawRead.mbPerS : null,
  validatorVsReadSha256: t.validator ? t.validator.mbPerS / t.readSha256.mbPerS : null,
  validatorVsDuckdb: t.validator && t.duckdbTyped ? t.validator.mbPerS / t.duckdbTyped.mbPerS : null,
  validatorVsDuckdbMedian:
    t.validator && t.duckdbTyped ? t.validator.medianMbPerS / t.duckdbTyped.medianMbPerS : null,
  validatorVsDuckdbChecked:
    t.validator && t.duckdbChecked ? t.validator.mbPerS / t.duckdbChecked.mbPerS : null,
});

interface Failures {
  validatorError: string | undefined;
  duckError: string | undefined;
  rssError: string | undefined;
}

const buildTargets = (
  t: Throughputs,
  rss: readonly RssRun[],
  x: Exactness | undefined,
  bundles: readonly BundleSize[],
): TargetRow[] => {
  const rows: TargetRow[] = [];
  const speed = ratios(t).validatorVsDuckdb;
  rows.push({
    check: 'validator / DuckDB 1-thread speed',
    value: speed === null ? 'n/a' : `${fixed(speed, 2)}×`,
    target: `≥ ${fixed(TARGET_SPEED_RATIO)}× (goal ${fixed(GOAL_SPEED_RATIO)}×)`,
    pass: speed !== null && speed >= TARGET_SPEED_RATIO,
    note: speed === null ? 'not measured' : speed >= GOAL_SPEED_RATIO ? 'goal met' : 'goal not met',
  });
  for (const run of rss) {
    rows.push({
      check: `peak RSS, ${mb(run.bytes)} file`,
      value: `${fixed(run.maxRssMiB)} MiB`,
      target: `≤ ${TARGET_RSS_MIB} MiB`,
      pass: run.maxRssMiB <= TARGET_RSS_MIB,
    });
  }
  if (rss.length === 0) {
    rows.push({
      check: 'peak RSS',
      value: 'n/a',
      target: `≤ ${TARGET_RSS_MIB} MiB`,
      pass: false,
      note: 'not measured',
    });
  }
  if (x) {
    rows.push({
      check: 'rows counted',
      value: int(x.rowsCounted),
      target: `= ${int(x.rowsExpected)}`,
      pass: x.rowsCounted === x.rowsExpected,
    });
    rows.push({
      check: 'errorCount',
      value: int(x.errorCount),
      target: `= ${int(x.errorsExpected)} injected`,
      pass: x.errorCount === x.errorsExpected,
    });
    rows.push({
      check: 'defects found (row, column, rule)',
      value: `${x.found}/${x.errorsExpected}, ${x.unexpected.length} unexpected`,
      target: 'all, 0 unexpected',
      pass: x.missing.length === 0 && x.unexpected.length === 0,
    });
  } else {
    rows.push({
      check: 'exactness',
      value: 'n/a',
      target: 'all defects found',
      pass: false,
      note: 'validator failed',
    });
  }
  for (const b of bundles) {
    rows.push({
      check: `bundle ${b.handler}`,
      value: b.error ? 'build failed' : `${fixed(b.bytes / 1000)} KB`,
      target: `≤ ${TARGET_BUNDLE_KB} KB`,
      pass: !b.error && b.bytes <= TARGET_BUNDLE_KB * 1000,
    });
  }
  return rows;
};

const throughputLine = (name: string, t: Throughput | undefined, extra = ''): string[] =>
  t
    ? [name, `${fixed(t.mbPerS, 0)} MB/s`, `${fixed(t.medianMbPerS, 0)} MB/s`, seconds(t.bestMs), extra]
    : [name, 'n/a', '', '', extra];

const printSummary = (
  full: GeneratedCsv,
  small: GeneratedCsv,
  maxErrors: number,
  t: Throughputs,
  duckTyped: readonly DuckDbRun[],
  rss: readonly RssRun[],
  x: Exactness | undefined,
  bundles: readonly BundleSize[],
  targets: readonly TargetRow[],
  failures: Failures,
): void => {
  const r = ratios(t);
  log('');
  log(
    `CSV validator benchmark — ${new Date().toISOString()}, Node ${process.version}, ${cpus().length} CPUs`,
  );
  log(
    `File: ${mb(full.bytes)}, ${int(full.rows)} rows on ${int(full.lines)} lines, ${full.defects.length} injected defects, ` +
      `seed ${full.seed}; generated in ${seconds(full.ms)} (${fixed(full.bytes / 1e3 / full.ms, 0)} MB/s)`,
  );
  log(
    `Chunks of ${highWaterMark / 1024} KiB; best of ${runs} runs (median next to it); maxErrors ${maxErrors}`,
  );
  log('');
  const validatorExtra = t.validator
    ? `${fixed((t.validator.rowsPerS ?? 0) / 1e6, 2)} M rows/s; ${fixed((r.validatorVsRawRead ?? 0) * 100, 0)}% of raw read, ` +
      `${fixed((r.validatorVsReadSha256 ?? 0) * 100, 0)}% of read+sha256`
    : (failures.validatorError ?? '');
  const duckRows = duckTyped[0]?.rows;
  const duckExtra =
    duckRows === undefined
      ? (failures.duckError ?? '')
      : `kept ${int(duckRows)} rows (expected ${int(full.rows - castDefects(full))}: cast failures skipped)`;
  log(
    table(
      ['engine', 'best', 'median', 'time', 'notes'],
      [
        throughputLine('raw read (ceiling)', t.rawRead),
        throughputLine('read + sha256', t.readSha256),
        throughputLine('validator', t.validator, validatorExtra),
        throughputLine('DuckDB typed read, 1 thread', t.duckdbTyped, duckExtra),
        throughputLine(
          'DuckDB typed read + checks',
          t.duckdbChecked,
          r.validatorVsDuckdbChecked === null
            ? ''
            : `validator is ${fixed(r.validatorVsDuckdbChecked, 2)}× this`,
        ),
      ],
    ),
  );
  if (r.validatorVsDuckdb !== null) {
    log(
      `\nvalidator / DuckDB: ${fixed(r.validatorVsDuckdb, 2)}× (best runs), ${fixed(r.validatorVsDuckdbMedian ?? 0, 2)}× (medians)`,
    );
  }
  if (rss.length > 0) {
    log('');
    log(
      table(
        ['RSS child (bare node, bundled)', 'peak RSS', 'at start', 'time', 'rows', 'errors'],
        rss.map((run) => [
          mb(run.bytes),
          `${fixed(run.maxRssMiB)} MiB`,
          `${fixed(run.startMiB)} MiB`,
          `${seconds(run.ms)} (${fixed(run.bytes / 1e3 / run.ms, 0)} MB/s)`,
          int(run.rows),
          int(run.errorCount),
        ]),
      ),
    );
    const smallRun = rss.find((run) => run.file === small.file);
    if (smallRun && smallRun.rows !== small.rows)
      log(`  small file: ${smallRun.rows} rows counted, ${small.rows} generated`);
  } else if (failures.rssError) {
    log(`\nRSS child failed: ${failures.rssError}`);
  }
  if (x) {
    log(
      `\nExactness: ${int(x.rowsCounted)}/${int(x.rowsExpected)} rows, errorCount ${x.errorCount}/${x.errorsExpected}, ` +
        `${x.errorsListed} listed, ${x.found} defects found, uniqueness ${x.uniqueness}, ` +
        `sha256 ${x.sha256Matches ? 'matches' : 'DIFFERS from'} a plain read`,
    );
    for (const d of x.missing.slice(0, 20)) {
      log(
        `  missing:    row ${d.line} (record ${d.row}) ${d.column} ${d.rule} [${d.kind}] value ${JSON.stringify(d.value)}`,
      );
    }
    if (x.missing.length > 20) log(`  … and ${x.missing.length - 20} more missing`);
    for (const e of x.unexpected.slice(0, 20)) {
      log(`  unexpected: row ${e.row} ${e.column ?? '-'} ${e.rule}: ${e.message}`);
    }
    if (x.unexpected.length > 20) log(`  … and ${x.unexpected.length - 20} more unexpected`);
    if (!isExact(x)) log('  (details of every mismatch are in the JSON results)');
  } else {
    log(`\nValidator failed: ${failures.validatorError ?? 'unknown error'}`);
  }
  log('');
  for (const b of bundles) {
    const parts = b.largest.map((p) => `${p.name} ${fixed(p.bytes / 1000, 0)} KB`).join(', ');
    log(
      `Bundle ${b.handler}: ${b.error ? `failed: ${b.error}` : `${fixed(b.bytes / 1000)} KB; largest: ${parts}`}`,
    );
  }
  log('');
  log(targetsTable(targets));
  const failed = targets.filter((row) => !row.pass).length;
  log(
    failed === 0
      ? '\nAll targets met.'
      : `\n${failed} of ${targets.length} targets MISSED (a benchmark: exit code stays 0).`,
  );
};

await main();
