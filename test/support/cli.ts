import { main } from '../../functions/cli/main';

/** Runs one `mesh` command in-process, as a user would type it, and returns what it printed. */
export const cli = async (...argv: string[]) => {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (t) => out.push(t), err: (t) => err.push(t) });
  return { code, out: out.join('\n'), err: err.join('\n') };
};
