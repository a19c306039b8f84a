// The local data repo's post-receive hook: for each updated branch, sends a GitHub-format push webhook,
// signed with the platform's local secret, to the local platform's receiver. Plain JavaScript, run by `node`
// from the bare repository (git sets GIT_DIR), with the state folder as its only argument.
import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const stateDir = process.argv[2];
const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();
const ZERO = /^0+$/;

const say = (line) => process.stdout.write(`mesh: ${line}\n`);

const commitsOf = (before, after) => {
  const range = ZERO.test(before) ? [after] : [`${before}..${after}`];
  const ids = git('rev-list', '--reverse', '--max-count=20', ...range)
    .split('\n')
    .filter(Boolean);
  return ids.map((id) => {
    const [name, email, timestamp, ...message] = git('log', '-1', '--format=%an%n%ae%n%aI%n%B', id).split(
      '\n',
    );
    const files = { A: [], M: [], D: [] };
    for (const line of git('diff-tree', '--no-commit-id', '--name-status', '-r', '--root', id).split('\n')) {
      const [status, path] = line.split('\t');
      if (path) (files[status?.[0]] ?? files.M).push(path);
    }
    return {
      id,
      message: message.join('\n').trim(),
      timestamp,
      author: { name, email },
      added: files.A,
      modified: files.M,
      removed: files.D,
    };
  });
};

const main = async () => {
  const endpoints = JSON.parse(readFileSync(join(stateDir, 'endpoints.json'), 'utf8'));
  const secret = readFileSync(join(stateDir, 'webhook-secret'), 'utf8').trim();
  const updates = readFileSync(0, 'utf8').split('\n').filter(Boolean);
  for (const update of updates) {
    const [before, after, ref] = update.split(' ');
    const head = ZERO.test(after) ? before : after;
    const [name, email] = git('log', '-1', '--format=%an%n%ae', head).split('\n');
    const payload = {
      ref,
      before,
      after,
      created: ZERO.test(before),
      deleted: ZERO.test(after),
      forced: false,
      repository: { full_name: 'local/data', name: 'data', html_url: `file://${process.cwd()}` },
      // A local push has no authenticated user: the author of the pushed head commit stands for the pusher.
      pusher: { name: name || 'local', email },
      sender: { login: name || 'local' },
      commits: ZERO.test(after) ? [] : commitsOf(before, after),
    };
    const body = JSON.stringify(payload);
    const response = await fetch(`${endpoints.http}/webhooks/git`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'mesh-data-repo-hook/1',
        'x-github-event': 'push',
        'x-github-delivery': randomUUID(),
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      },
      body,
    });
    const answer = await response.json().catch(() => ({}));
    say(`${ref}: ${response.status} ${answer.message ?? ''}`.trim());
  }
  say('see the results with: npx mesh products   (or npx mesh events tail)');
};

main().catch((error) => {
  say(`could not reach the local platform (${error.message}); is "npm start" running? Re-push to retry.`);
});
