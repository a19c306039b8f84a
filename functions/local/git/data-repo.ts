import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { access, chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const HOOK_SCRIPT = fileURLToPath(new URL('./post-receive-hook.mjs', import.meta.url));

export interface LocalDataRepo {
  /** The bare repository: clone it with `git clone <gitDir>`. */
  gitDir: string;
  branch: string;
  /** The secret the push hook signs with (GitHub's HMAC-SHA256 scheme). */
  secret: string;
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

/**
 * The local data repo: a bare git repository in the state folder whose post-receive hook sends a signed
 * GitHub-format webhook to the local receiver, so `git clone` / `git push` is the whole producer workflow.
 * Created once; the hook and the secret are (re)installed on every start, so upgrades apply.
 */
export const ensureDataRepo = async (stateDir: string, branch = 'main'): Promise<LocalDataRepo> => {
  const gitDir = join(stateDir, 'data.git');
  if (!(await exists(join(gitDir, 'HEAD')))) {
    await run('git', ['init', '--quiet', '--bare', `--initial-branch=${branch}`, gitDir]);
  }
  const secretFile = join(stateDir, 'webhook-secret');
  let secret = (await readFile(secretFile, 'utf8').catch(() => '')).trim();
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    await writeFile(secretFile, `${secret}\n`, { mode: 0o600 });
  }
  const hook = join(gitDir, 'hooks', 'post-receive');
  await writeFile(
    hook,
    `#!/bin/sh\n# Installed by the data mesh platform (npm start).\nexec "${process.execPath}" "${HOOK_SCRIPT}" "${stateDir}"\n`,
  );
  await chmod(hook, 0o755);
  return { gitDir, branch, secret };
};
