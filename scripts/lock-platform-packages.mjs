#!/usr/bin/env node
// Completes package-lock.json with the other platforms' binary packages that npm left out.
//
// Packages such as @biomejs/biome and @duckdb/node-api ship their binaries as optional dependencies, one per
// platform. When the registry a lockfile is written against does not serve some of them (a mirror that keeps
// only some platforms), npm leaves them out of the lockfile, and `npm ci` then refuses the lockfile as out of
// sync. This adds each missing one as an optional entry restricted to its own os/cpu/libc, so that `npm ci`
// accepts the lockfile and installs only the current platform's binary. Run it after changing dependencies:
//   npm install && npm run lock:platforms
import { readFileSync, writeFileSync } from 'node:fs';

const PLATFORM =
  /-(android|darwin|freebsd|linux|openbsd|sunos|aix|win32|netbsd|openharmony)-(arm64|x64|arm|ia32|ppc64|s390x|riscv64|loong64|mips64el)(?:-(msvc|gnu|musl|gnueabihf|musleabihf))?$/;

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, spec] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue;
    const platform = PLATFORM.exec(name);
    if (!platform)
      throw new Error(
        `${name} (optional dependency of ${path || 'the project'}) is missing and is not a platform binary`,
      );
    if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(spec))
      throw new Error(`${name}@${spec}: expected an exact version`);
    const [, os, cpu, abi] = platform;
    lock.packages[key] = {
      version: spec,
      ...(entry.dev ? { dev: true } : {}),
      optional: true,
      os: [os],
      cpu: [cpu],
      ...(abi === 'musl' || abi === 'musleabihf'
        ? { libc: ['musl'] }
        : abi?.startsWith('gnu')
          ? { libc: ['glibc'] }
          : {}),
    };
    added.push(`${name}@${spec}`);
  }
}
lock.packages = Object.fromEntries(
  Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))),
);
writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(added.length ? `added ${added.length} platform packages: ${added.join(', ')}` : 'nothing to add');
