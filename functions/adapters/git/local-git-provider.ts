import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { isZeroSha } from '../../../events/inbound/git-push-received';
import { GitFileNotFoundError, type GitProvider, type GitTreeFile } from '../../ports/git-provider';

const run = promisify(execFile);
const MAX_TREE_LISTING = 256 * 1024 * 1024;
const NOT_FOUND = /does not exist|exists on disk, but not in|Not a valid object name|invalid object name/i;

/**
 * A repository on this machine, read with the `git` CLI: the local platform's data repo, and producers'
 * checkouts for `mesh validate --base`. The repository argument of the port is ignored: one instance reads
 * one repository (`gitDir`, bare or not).
 */
export class LocalGitProvider implements GitProvider {
  constructor(private readonly gitDir: string) {}

  async listFiles(_repository: unknown, commit: string, folder?: string): Promise<GitTreeFile[]> {
    if (isZeroSha(commit)) return [];
    const args = ['ls-tree', '-r', '-l', '-z', '--full-tree', commit];
    if (folder) args.push('--', `${folder.replace(/\/+$/, '')}/`);
    const { stdout } = await this.git(args);
    const files: GitTreeFile[] = [];
    for (const entry of stdout.split('\0')) {
      if (!entry) continue;
      // `<mode> SP <type> SP <object> SP+ <size> TAB <path>`
      const tab = entry.indexOf('\t');
      const [, type, sha, size] = entry.slice(0, tab).split(/ +/);
      if (type !== 'blob' || !sha) continue;
      files.push({ path: entry.slice(tab + 1), blobSha: sha, size: Number(size) });
    }
    return files;
  }

  async readFile(_repository: unknown, commit: string, path: string): Promise<AsyncIterable<Uint8Array>> {
    const spec = `${commit}:${path}`;
    const child = spawn('git', ['--git-dir', this.gitDir, 'cat-file', 'blob', spec], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', resolve);
    });
    // Either the first bytes arrive (the file exists) or git exits: one process per file, no existence probe.
    const started = await Promise.race([
      new Promise<'readable'>((resolve) => child.stdout.once('readable', () => resolve('readable'))),
      exited,
    ]);
    const failure = () =>
      NOT_FOUND.test(stderr)
        ? new GitFileNotFoundError(path, commit)
        : new Error(`git cat-file ${spec} failed: ${stderr.trim()}`);
    if (started !== 'readable' && started !== 0) throw failure();
    const failed = exited.then((code) => {
      if (code !== 0 && code !== null) throw failure();
    });
    // A reader may stop early (a header is all it needs): the child is then killed, which is no failure.
    failed.catch(() => undefined);
    const stdout = child.stdout;
    return {
      async *[Symbol.asyncIterator]() {
        try {
          for await (const chunk of stdout) yield chunk as Uint8Array;
          await failed;
        } finally {
          if (child.exitCode === null) child.kill();
        }
      },
    };
  }

  private git(args: string[]) {
    return run('git', ['--git-dir', this.gitDir, ...args], { maxBuffer: MAX_TREE_LISTING, encoding: 'utf8' });
  }
}
