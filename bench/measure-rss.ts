import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';

const run = promisify(execFile);

export interface RssRun {
  file: string;
  bytes: number;
  /** Peak resident set size of the whole child process. */
  maxRssMiB: number;
  /** Peak RSS before validating: Node itself plus the loaded bundle. */
  startMiB: number;
  ms: number;
  rows: number;
  errorCount: number;
}

/**
 * Bundles validate-child.ts to plain ESM so the child runs on bare `node`, as in Lambda: with tsx the
 * loader's own memory (and its esbuild service) would be counted too.
 */
export const bundleChild = async (root: string): Promise<string> => {
  const dir = join(tmpdir(), 'mesh-bench-child');
  await mkdir(dir, { recursive: true });
  const outfile = join(dir, 'validate-child.mjs');
  await build({
    entryPoints: [join(root, 'bench/validate-child.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    outfile,
    banner: { js: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);" },
    logLevel: 'silent',
  });
  return outfile;
};

export const measureRss = async (
  child: string,
  file: string,
  highWaterMark: number,
  maxErrors: number,
): Promise<RssRun> => {
  const { stdout } = await run(process.execPath, [child, file, String(highWaterMark), String(maxErrors)], {
    maxBuffer: 1024 * 1024,
  });
  const out = JSON.parse(stdout) as {
    maxRssKiB: number;
    startKiB: number;
    ms: number;
    bytes: number;
    rows: number;
    errorCount: number;
  };
  return {
    file,
    bytes: out.bytes,
    maxRssMiB: out.maxRssKiB / 1024,
    startMiB: out.startKiB / 1024,
    ms: out.ms,
    rows: out.rows,
    errorCount: out.errorCount,
  };
};
