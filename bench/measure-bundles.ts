import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { build } from 'esbuild';
import { LAMBDA_BUNDLE } from '../lib/constructs/lambda-bundle';

export interface BundleSize {
  handler: string;
  /** Minified bundle without its source map. */
  bytes: number;
  /** Where the bytes come from: the largest packages (or `(project)`) by bytes in the output. */
  largest: { name: string; bytes: number }[];
  error?: string;
}

/** `node_modules/@scope/name/…` → `@scope/name`; project files → `(project)`. */
const packageOf = (input: string): string => {
  const at = input.lastIndexOf('node_modules/');
  if (at < 0) return '(project)';
  const parts = input.slice(at + 'node_modules/'.length).split('/');
  return (parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]) ?? input;
};

const EXPORTS_HANDLER =
  /export\s+(const|let|var|async\s+function|function)\s+handler\b|export\s*\{[^}]*\bhandler\b[^}]*\}/;

/** Handler modules: every `functions/handlers/*.ts` that exports `handler` (composition roots do not). */
export const handlerEntries = async (root: string): Promise<string[]> => {
  const dir = join(root, 'functions/handlers');
  const files = (await readdir(dir)).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts')).sort();
  const entries: string[] = [];
  for (const name of files) {
    if (EXPORTS_HANDLER.test(await readFile(join(dir, name), 'utf8'))) entries.push(join(dir, name));
  }
  return entries;
};

/**
 * The esbuild options of `HouseFunction`, taken from `LAMBDA_BUNDLE` (lib/constructs/lambda-bundle.ts), which the
 * CDK construct passes to esbuild too: node22 ESM, minified, linked source map, AWS SDK bundled, Lambda aliases.
 */
export const bundleHandler = async (entry: string): Promise<BundleSize> => {
  const handler = basename(entry, '.ts');
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      target: LAMBDA_BUNDLE.target,
      format: 'esm',
      minify: LAMBDA_BUNDLE.minify,
      keepNames: LAMBDA_BUNDLE.keepNames,
      sourcemap: 'linked',
      mainFields: [...LAMBDA_BUNDLE.mainFields],
      external: [],
      banner: { js: LAMBDA_BUNDLE.banner },
      alias: { ...LAMBDA_BUNDLE.aliases },
      outfile: join(tmpdir(), 'mesh-bench-bundles', handler, 'index.mjs'),
      write: false,
      logLevel: 'silent',
      // Not a CDK setting: only read here to attribute the bytes.
      metafile: true,
    });
    const code = result.outputFiles.find((file) => file.path.endsWith('.mjs'));
    const perPackage = new Map<string, number>();
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
        perPackage.set(packageOf(input), (perPackage.get(packageOf(input)) ?? 0) + bytesInOutput);
      }
    }
    const largest = [...perPackage]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 6);
    return { handler, bytes: code?.contents.byteLength ?? 0, largest };
  } catch (error) {
    return {
      handler,
      bytes: 0,
      largest: [],
      error: error instanceof Error ? error.message.split('\n').slice(0, 3).join(' ') : String(error),
    };
  }
};
