import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface Author {
  name: string;
  email: string;
}

/** A working clone of a repository, driven with the real `git` CLI. */
export const cloneRepo = async (remote: string, dir: string, author: Author) => {
  await run('git', ['clone', '--quiet', remote, dir]);
  let who = author;
  const git = async (...args: string[]) => {
    const { stdout, stderr } = await run('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_COMMITTER_NAME: who.name,
        GIT_COMMITTER_EMAIL: who.email,
      },
    });
    return { stdout: stdout.trim(), stderr: stderr.trim() };
  };
  return {
    dir,
    git,
    /** Switches the author of the next commits (locally, the pusher is the author of the pushed head). */
    as: (author: Author) => {
      who = author;
    },
    write: async (path: string, content: string | Uint8Array) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), content);
    },
    remove: (path: string) => rm(join(dir, path), { recursive: true, force: true }),
    /** Stages everything, commits, and returns the new head sha. */
    commit: async (message: string) => {
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      return (await git('rev-parse', 'HEAD')).stdout;
    },
    /** Pushes; the output holds the hook's `remote: mesh: …` lines. */
    push: async (...args: string[]) => git('push', ...(args.length > 0 ? args : ['origin', 'HEAD:main'])),
    head: async () => (await git('rev-parse', 'HEAD')).stdout,
  };
};

export type Clone = Awaited<ReturnType<typeof cloneRepo>>;
