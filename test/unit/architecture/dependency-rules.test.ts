import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));

const sourceFiles = (folder: string): string[] =>
  readdirSync(join(root, folder), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts'))
    .map((e) => relative(root, join(e.parentPath, e.name)));

/** Every module a file imports: relative ones as repository paths, packages by name. */
const importsOf = (file: string): string[] => {
  const text = readFileSync(join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map(
    (m) => m[1] ?? '',
  );
  const dynamic = [...text.matchAll(/import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? '');
  return [...specifiers, ...dynamic].map((s) =>
    s.startsWith('.') ? relative(root, resolve(dirname(join(root, file)), s)) : s,
  );
};

const violations = (folder: string, allowed: (specifier: string) => boolean) =>
  sourceFiles(folder).flatMap((file) =>
    importsOf(file)
      .filter((s) => !allowed(s))
      .map((s) => `${file} → ${s}`),
  );

const isNodeBuiltin = (s: string) => s.startsWith('node:');

describe('Architecture: dependency rules', () => {
  it('events/ depends on zod only', () => {
    expect(
      violations(
        'events',
        (s) => s.startsWith('events/') || s === 'zod/mini' || s.startsWith('zod/v4/locales/'),
      ),
    ).toEqual([]);
  });

  it('core depends on events/, ports and the zod set-up only — never on adapters, handlers, AWS SDKs or the local runtime', () => {
    expect(
      violations(
        'functions/core',
        (s) =>
          isNodeBuiltin(s) ||
          s === 'yaml' ||
          s.startsWith('events/') ||
          s.startsWith('functions/core/') ||
          s.startsWith('functions/ports/') ||
          s === 'functions/shared/zod',
      ),
    ).toEqual([]);
  });

  it('ports are interfaces over the core model only', () => {
    expect(
      violations(
        'functions/ports',
        (s) => s.startsWith('functions/core/') || s.startsWith('events/') || s === 'functions/shared/zod',
      ),
    ).toEqual([]);
  });

  it('adapters do not reach into handlers, the CLI or the local runtime', () => {
    expect(violations('functions/adapters', (s) => !/^functions\/(handlers|cli|local)\//.test(s))).toEqual(
      [],
    );
  });

  it('lib/ (CDK) imports events/ and a table definition, never function code', () => {
    expect(
      violations(
        'lib',
        (s) => !s.startsWith('functions/') || s === 'functions/adapters/dynamodb/table-definition',
      ),
    ).toEqual([]);
  });
});
