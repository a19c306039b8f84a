import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GitPushReceivedDetailSchema } from '../../../events/inbound/git-push-received';
import {
  interpretWebhook,
  type WebhookConfig,
  type WebhookOutcome,
  type WebhookRequest,
} from '../../../functions/core/webhooks/interpret-webhook';
import { readRefUpdate } from '../../../functions/core/webhooks/normalise-push';
import * as z from '../../../functions/shared/zod';

// ---------------------------------------------------------------------------------------------------------
// Deliveries as each host sends them, signed here with a test secret

const corpusFolder = new URL('../../../../shared/reference/corpus/', import.meta.url);
const corpusBytes = (path: string): Buffer => readFileSync(new URL(path, corpusFolder));
// biome-ignore lint/suspicious/noExplicitAny: corpus payloads are edited freely in the tests
const corpusJson = (path: string): any => JSON.parse(corpusBytes(path).toString('utf8'));
const bytes = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');

const SECRET = 'It is a secret to everybody';
const ZERO = '0000000000000000000000000000000000000000';

const hmac = (algorithm: 'sha256' | 'sha1', payload: Uint8Array, secret = SECRET): string =>
  createHmac(algorithm, secret).update(payload).digest('hex');

type Headers = Record<string, string | undefined>;

const github = (body: Uint8Array, event = 'push', extra: Headers = {}): WebhookRequest => ({
  headers: {
    'content-type': 'application/json',
    'user-agent': 'GitHub-Hookshot/6b02022',
    'x-github-event': event,
    'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'x-github-hook-id': '292430182',
    'x-hub-signature': `sha1=${hmac('sha1', body)}`,
    'x-hub-signature-256': `sha256=${hmac('sha256', body)}`,
    ...extra,
  },
  body,
});

const gitlab = (body: Uint8Array, event = 'Push Hook', extra: Headers = {}): WebhookRequest => ({
  headers: {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.5.0',
    'x-gitlab-event': event,
    'x-gitlab-token': SECRET,
    'x-gitlab-instance': 'https://gitlab.com',
    'x-gitlab-webhook-uuid': '4c1a7f0e-5a3d-4a3e-9f4e-2b0e2f1d8a01',
    'x-gitlab-event-uuid': '8c4b0e71-2f0a-4b8e-b6f5-0d2d6a6f3e11',
    'idempotency-key': 'f1d3c1f0-6d5e-4c1c-9a4b-7e3f2a1b0c9d',
    ...extra,
  },
  body,
});

/** Gitea repeats its headers as Gogs' and GitHub's. `signed` is what the HMAC covers (the JSON, even for forms). */
const gitea = (
  body: Uint8Array,
  event = 'push',
  extra: Headers = {},
  signed: Uint8Array = body,
): WebhookRequest => {
  const hex = hmac('sha256', signed);
  const delivery = '0ad7a2c5-1f5d-4d0b-8b8b-3f3c5c1e2d11';
  return {
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Go-http-client/1.1',
      'x-gitea-delivery': delivery,
      'x-gitea-event': event,
      'x-gitea-event-type': event,
      'x-gitea-signature': hex,
      'x-gogs-delivery': delivery,
      'x-gogs-event': event,
      'x-gogs-event-type': event,
      'x-gogs-signature': hex,
      'x-github-delivery': delivery,
      'x-github-event': event,
      'x-github-event-type': event,
      'x-hub-signature': `sha1=${hmac('sha1', signed)}`,
      'x-hub-signature-256': `sha256=${hex}`,
      ...extra,
    },
    body,
  };
};

/** Forgejo sends everything Gitea sends, plus its own headers. */
const forgejo = (body: Uint8Array, event = 'push', extra: Headers = {}, signed: Uint8Array = body) => {
  const request = gitea(body, event, {}, signed);
  return {
    body,
    headers: {
      ...request.headers,
      'x-forgejo-delivery': 'b3f1e2d4-7c6a-4e5f-9d8c-1a2b3c4d5e6f',
      'x-forgejo-event': event,
      'x-forgejo-event-type': event,
      'x-forgejo-signature': request.headers['x-gitea-signature'],
      ...extra,
    },
  };
};

const secrets = { github: SECRET, gitlab: SECRET, gitea: SECRET, forgejo: SECRET };
const on = (branch: string, extra: Partial<WebhookConfig> = {}): WebhookConfig => ({
  secrets,
  branch,
  ...extra,
});

type PushOutcome = Extract<WebhookOutcome, { kind: 'push' }>;

/** The outcome must be a push whose detail is a valid `Git Push Received` event once stamped. */
const expectPush = (outcome: WebhookOutcome): PushOutcome['push'] => {
  expect(outcome).toMatchObject({ status: 202, kind: 'push' });
  const push = (outcome as PushOutcome).push;
  const checked = z.safeParse(GitPushReceivedDetailSchema, {
    ...push,
    receivedAt: '2026-11-22T10:00:00.000Z',
  });
  expect(checked.success, checked.error?.message).toBe(true);
  expect(push.deliveryId).toBe((outcome as PushOutcome).deliveryId);
  return push;
};

const expectIgnored = (outcome: WebhookOutcome, reason: RegExp) => {
  expect(outcome).toMatchObject({ status: 202, kind: 'ignored' });
  expect(outcome.status === 202 && outcome.kind === 'ignored' && outcome.reason).toMatch(reason);
};

const expectRefused = (outcome: WebhookOutcome, status: 400 | 401, reason: RegExp) => {
  expect(outcome.status).toBe(status);
  expect((outcome.status === 400 || outcome.status === 401) && outcome.reason).toMatch(reason);
};

// ---------------------------------------------------------------------------------------------------------
// drone/go-scm .golden files: the normalised ref update must agree with go-scm's parse

interface Golden {
  Ref: string;
  Before: string;
  After?: string;
  Repo: { ID: string; Namespace: string; Name: string; Link: string };
  Commit: { Sha: string };
  Commits?: { Sha: string }[];
  Sender: { Login: string };
}

describe('Normalisation agrees with the drone/go-scm goldens', () => {
  it.each([
    ['github', 'github/push.json'],
    ['github', 'github/push_branch_create.json'],
    ['github', 'github/push_branch_delete.json'],
    ['github', 'github/push_tag.json'],
    ['github', 'github/push_tag_delete.json'],
    ['gitlab', 'gitlab/push.json'],
    ['gitlab', 'gitlab/push_subgroup.json'],
    ['gitlab', 'gitlab/branch_create.json'],
    ['gitlab', 'gitlab/tag_create.json'],
    ['gitea', 'gitea/push.json'],
  ] as const)('%s %s', (host, file) => {
    const golden: Golden = corpusJson(`drone-go-scm/${file}.golden`);
    const update = readRefUpdate(host, corpusJson(`drone-go-scm/${file}`));

    expect(update.ok).toBe(true);
    expect(update.ok && update.value).toMatchObject({
      ref: golden.Ref,
      before: golden.Before,
      after: golden.After ?? golden.Commit.Sha,
      repository: { host, url: golden.Repo.Link, hostId: Number(golden.Repo.ID) },
    });
    expect(update.ok && update.value.repository.fullName).toMatch(new RegExp(`${golden.Repo.Name}$`));
  });

  it.each([
    ['github/push.json', 'master'],
    ['github/push_branch_create.json', 'feature-branch'],
    ['gitlab/push.json', 'master'],
    ['gitlab/push_subgroup.json', 'master'],
    ['gitlab/branch_create.json', 'feature'],
    ['gitea/push.json', 'master'],
  ])('interprets %s as the golden push', (file, branch) => {
    const golden: Golden = corpusJson(`drone-go-scm/${file}.golden`);
    const body = corpusBytes(`drone-go-scm/${file}`);
    const request = file.startsWith('github/')
      ? github(body)
      : file.startsWith('gitlab/')
        ? gitlab(body)
        : gitea(body);

    const push = expectPush(interpretWebhook(request, on(branch)));

    expect(push).toMatchObject({ ref: golden.Ref, branch, before: golden.Before, after: golden.Commit.Sha });
    expect(push.pusher.username).toBe(golden.Sender.Login);
    if (golden.Commits) expect(push.commits.map((c) => c.id)).toEqual(golden.Commits.map((c) => c.Sha));
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Function: interpretWebhook — GitHub', () => {
  it('normalises the go-scm push', () => {
    const outcome = interpretWebhook(github(corpusBytes('drone-go-scm/github/push.json')), on('master'));

    expect(outcome).toMatchObject({ host: 'github', deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
    expect(expectPush(outcome)).toEqual({
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      repository: {
        host: 'github',
        fullName: 'Codertocat/Hello-World',
        url: 'https://github.com/Codertocat/Hello-World',
        hostId: 135493233,
      },
      ref: 'refs/heads/master',
      branch: 'master',
      before: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      after: '199eddf46df50de8d02e99bf1c5fdb4101338224',
      commits: [
        {
          id: '199eddf46df50de8d02e99bf1c5fdb4101338224',
          message: 'Update README',
          timestamp: '2018-06-15T13:01:51-07:00',
          author: { name: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com' },
          added: [],
          modified: ['README.md'],
          removed: [],
        },
      ],
      pusher: { username: 'Codertocat', email: '21031067+Codertocat@users.noreply.github.com' },
    });
  });

  it('accepts a branch creation (before all zeros) as a push', () => {
    const push = expectPush(
      interpretWebhook(
        github(corpusBytes('drone-go-scm/github/push_branch_create.json')),
        on('feature-branch'),
      ),
    );

    expect(push).toMatchObject({
      before: ZERO,
      after: 'd2b75aa7797ec26b088fa2dd527e9d2c052fcedd',
      commits: [],
    });
  });

  it.each(['with-new-branch.payload.json', 'with-no-username-committer.payload.json'])(
    'normalises the octokit branch creation %s',
    (file) => {
      const push = expectPush(
        interpretWebhook(github(corpusBytes(`octokit-webhooks/api.github.com/push/${file}`)), on('master')),
      );

      expect(push).toMatchObject({
        repository: { fullName: 'Codertocat/Hello-World', hostId: 186853002 },
        before: ZERO,
        after: '6113728f27ae82c7b1a177c8d03f9e96e0adf246',
        commits: [{ id: '6113728f27ae82c7b1a177c8d03f9e96e0adf246', added: ['README.md'] }],
        pusher: { username: 'Codertocat' },
      });
    },
  );

  it.each([
    'payload.json',
    '1.payload.json',
    'with-installation.payload.json',
    'with-organization.payload.json',
  ])('ignores the octokit tag deletion %s', (file) => {
    expectIgnored(
      interpretWebhook(github(corpusBytes(`octokit-webhooks/api.github.com/push/${file}`)), on('master')),
      /tag "simple-tag" was deleted/,
    );
  });

  it.each([
    ['push_tag.json', /tag "v0.0.1" was pushed/],
    ['push_tag_delete.json', /tag "v0.0.1" was deleted/],
    ['push_branch_delete.json', /branch "feature-branch" was deleted/],
  ])('ignores the go-scm %s', (file, reason) => {
    expectIgnored(
      interpretWebhook(github(corpusBytes(`drone-go-scm/github/${file}`)), on('feature-branch')),
      reason,
    );
  });

  it('ignores a deletion flagged only by `deleted: true`', () => {
    const payload = corpusJson('drone-go-scm/github/push.json');
    payload.deleted = true;

    expectIgnored(interpretWebhook(github(bytes(payload)), on('master')), /branch "master" was deleted/);
  });

  it.each(['HookPush.json', 'HookPushForced.json'])('normalises the woodpecker %s', (file) => {
    const payload = corpusJson(`woodpecker/github/${file}`);
    const push = expectPush(interpretWebhook(github(corpusBytes(`woodpecker/github/${file}`)), on('main')));

    expect(push).toMatchObject({
      after: payload.after,
      repository: { fullName: payload.repository.full_name },
    });
    expect(push.commits.map((c) => c.id)).toEqual(payload.commits.map((c: { id: string }) => c.id));
  });

  it('reads a form-encoded body, whose signature covers the whole form body', () => {
    const json = corpusBytes('drone-go-scm/github/push.json').toString('utf8');
    const form = Buffer.from(new URLSearchParams({ payload: json }).toString(), 'utf8');
    const request = github(form, 'push', { 'content-type': 'application/x-www-form-urlencoded' });

    expect(expectPush(interpretWebhook(request, on('master'))).after).toBe(
      '199eddf46df50de8d02e99bf1c5fdb4101338224',
    );
    const signedJson = github(Buffer.from(json), 'push', {
      'content-type': 'application/x-www-form-urlencoded',
    });
    expectRefused(
      interpretWebhook(
        { ...request, headers: { ...request.headers, ...pick(signedJson.headers, SIG) } },
        on('master'),
      ),
      401,
      /X-Hub-Signature-256 signature does not match/,
    );
  });

  it.each(['payload.json', 'with-app_id.payload.json', 'with-organization.payload.json'])(
    'answers the octokit ping %s',
    (file) => {
      expect(
        interpretWebhook(
          github(corpusBytes(`octokit-webhooks/api.github.com/ping/${file}`), 'ping'),
          on('main'),
        ),
      ).toEqual({
        status: 200,
        kind: 'ping',
        host: 'github',
        deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      });
    },
  );

  it('authenticates a ping too', () => {
    const body = corpusBytes('octokit-webhooks/api.github.com/ping/payload.json');

    expect(
      interpretWebhook(github(body, 'ping', { 'x-hub-signature-256': undefined }), on('main')).status,
    ).toBe(401);
  });

  it.each([
    'opened.payload.json',
    'closed.payload.json',
    'reopened.payload.json',
    'synchronize.payload.json',
    'opened.with-null-body.json',
  ])('ignores the octokit pull_request %s', (file) => {
    const outcome = interpretWebhook(
      github(corpusBytes(`octokit-webhooks/api.github.com/pull_request/${file}`), 'pull_request'),
      on('master'),
    );

    expectIgnored(outcome, /"pull_request" events are not processed/);
    expect(outcome).toMatchObject({ deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  });
});

const SIG = ['x-hub-signature-256', 'x-gitea-signature', 'x-forgejo-signature'];
const pick = (headers: Headers, names: string[]): Headers =>
  Object.fromEntries(names.filter((n) => n in headers).map((n) => [n, headers[n]]));

describe('Function: interpretWebhook — the local data repository', () => {
  const local = (body: Uint8Array) => github(body, 'push', { 'user-agent': 'mesh-data-repo-hook/1.0' });

  it('reads GitHub format with the GitHub secret, as host "local"', () => {
    const outcome = interpretWebhook(local(corpusBytes('drone-go-scm/github/push.json')), on('master'));

    expect(outcome).toMatchObject({ host: 'local' });
    expect(expectPush(outcome).repository.host).toBe('local');
  });

  it('needs the GitHub secret', () => {
    const outcome = interpretWebhook(local(corpusBytes('drone-go-scm/github/push.json')), {
      secrets: { gitea: SECRET, gitlab: SECRET, forgejo: SECRET },
      branch: 'master',
    });

    expectRefused(outcome, 401, /no github webhook secret is configured/);
    expect(outcome).toMatchObject({ host: 'local' });
  });

  it('accepts a minimal payload: no url, no id, no sender', () => {
    const payload = {
      ref: 'refs/heads/main',
      before: 'a10867b14bb761a232cd80139fbd4c0d33264240',
      after: '199eddf46df50de8d02e99bf1c5fdb4101338224',
      repository: { full_name: 'local/data' },
      commits: [],
      pusher: { name: 'jane' },
    };

    expect(expectPush(interpretWebhook(local(bytes(payload)), on('main')))).toEqual({
      deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      repository: { host: 'local', fullName: 'local/data' },
      ref: 'refs/heads/main',
      branch: 'main',
      before: payload.before,
      after: payload.after,
      commits: [],
      pusher: { username: 'jane' },
    });
  });

  it('falls back to sender.login when pusher.name is empty', () => {
    const payload = corpusJson('drone-go-scm/github/push.json');
    payload.pusher.name = '';

    expect(expectPush(interpretWebhook(github(bytes(payload)), on('master'))).pusher.username).toBe(
      'Codertocat',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Function: interpretWebhook — GitLab', () => {
  it('normalises the go-scm push', () => {
    const outcome = interpretWebhook(gitlab(corpusBytes('drone-go-scm/gitlab/push.json')), on('master'));

    expect(outcome).toMatchObject({ host: 'gitlab', deliveryId: 'f1d3c1f0-6d5e-4c1c-9a4b-7e3f2a1b0c9d' });
    expect(expectPush(outcome)).toEqual({
      deliveryId: 'f1d3c1f0-6d5e-4c1c-9a4b-7e3f2a1b0c9d',
      repository: {
        host: 'gitlab',
        fullName: 'gitlab-org/hello-world',
        url: 'https://gitlab.com/gitlab-org/hello-world',
        hostId: 4861503,
      },
      ref: 'refs/heads/master',
      branch: 'master',
      before: '9217710ce8c7e1eae7a5d1c45f6e43e1c769f866',
      after: '2adc9465c4edfc33834e173fe89436a7cb899a1d',
      commits: [
        {
          id: '2adc9465c4edfc33834e173fe89436a7cb899a1d',
          message: 'added readme\n',
          timestamp: '2017-12-10T08:26:38+00:00',
          author: { name: 'Sid Sijbrandij', email: 'noreply@gitlab.com' },
          added: ['README.md'],
          modified: [],
          removed: [],
        },
      ],
      pusher: { username: 'sytses', name: 'Sid Sijbrandij', email: 'noreply@gitlab.com' },
    });
  });

  it('builds a deterministic delivery id without Idempotency-Key (GitLab before 17.x)', () => {
    const request = gitlab(corpusBytes('drone-go-scm/gitlab/push.json'), 'Push Hook', {
      'idempotency-key': undefined,
    });
    const expected =
      'gitlab:4861503:refs/heads/master:9217710ce8c7e1eae7a5d1c45f6e43e1c769f866:2adc9465c4edfc33834e173fe89436a7cb899a1d';

    expect(expectPush(interpretWebhook(request, on('master'))).deliveryId).toBe(expected);
    expect(interpretWebhook(request, on('master'))).toMatchObject({ deliveryId: expected });
  });

  it('keeps the full namespace path of a subgroup project', () => {
    const push = expectPush(
      interpretWebhook(gitlab(corpusBytes('drone-go-scm/gitlab/push_subgroup.json')), on('master')),
    );

    expect(push.repository.fullName).toBe('group1/group2/group3/grp2repo');
  });

  it('lists the commits of a merge push', () => {
    const payload = corpusJson('drone-go-scm/gitlab/push_merge.json');
    const push = expectPush(
      interpretWebhook(gitlab(corpusBytes('drone-go-scm/gitlab/push_merge.json')), on('master')),
    );

    expect(push.commits.map((c) => c.id)).toEqual(payload.commits.map((c: { id: string }) => c.id));
    expect(push.commits).toHaveLength(2);
  });

  it('normalises the documented Push Hook (2 of 4 commits listed)', () => {
    const push = expectPush(
      interpretWebhook(gitlab(corpusBytes('gitlab-docs/push-hook.json')), on('master')),
    );

    expect(push).toMatchObject({
      repository: { fullName: 'mike/diaspora', url: 'http://example.com/mike/diaspora', hostId: 15 },
      after: 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7',
      pusher: { username: 'jsmith', name: 'John Smith', email: 'john@example.com' },
    });
    expect(push.commits).toHaveLength(2);
  });

  it('leaves out an empty user_email (woodpecker HookPush)', () => {
    const push = expectPush(
      interpretWebhook(gitlab(corpusBytes('woodpecker/gitlab/HookPush.json')), on('main')),
    );

    expect(push.pusher).toEqual({ username: 'test', name: 'the test' });
    expect(push.repository).toMatchObject({ fullName: 'test/woodpecker', hostId: 2 });
  });

  it('defaults missing file lists to []', () => {
    const payload = corpusJson('drone-go-scm/gitlab/push.json');
    for (const c of payload.commits) {
      delete c.added;
      delete c.modified;
      delete c.removed;
    }

    expect(expectPush(interpretWebhook(gitlab(bytes(payload)), on('master'))).commits[0]).toMatchObject({
      added: [],
      modified: [],
      removed: [],
    });
  });

  it.each([
    ['drone-go-scm/gitlab/tag_create.json', /tag "v1.0.0" was pushed/],
    ['gitlab-docs/tag-push-hook.json', /tag "v1.0.0" was pushed/],
    ['woodpecker/gitlab/HookTag.json', /tag "v22" was pushed/],
  ])('ignores the Tag Push Hook %s (even without user_username)', (file, reason) => {
    expectIgnored(interpretWebhook(gitlab(corpusBytes(file), 'Tag Push Hook'), on('master')), reason);
  });

  it('ignores the go-scm branch deletion', () => {
    expectIgnored(
      interpretWebhook(gitlab(corpusBytes('drone-go-scm/gitlab/branch_delete.json')), on('feature')),
      /branch "feature" was deleted/,
    );
  });

  it('accepts the go-scm branch creation', () => {
    const push = expectPush(
      interpretWebhook(gitlab(corpusBytes('drone-go-scm/gitlab/branch_create.json')), on('feature')),
    );

    expect(push).toMatchObject({ before: ZERO, branch: 'feature' });
  });

  it.each([
    ['a wrong token', 'void', /X-Gitlab-Token token does not match/],
    ['an empty token', '', /X-Gitlab-Token header is missing or empty/],
    ['no token', undefined, /X-Gitlab-Token header is missing or empty/],
  ])('refuses %s', (_name, token, reason) => {
    const request = gitlab(corpusBytes('drone-go-scm/gitlab/push.json'), 'Push Hook', {
      'x-gitlab-token': token,
    });

    expectRefused(interpretWebhook(request, on('master')), 401, reason);
  });

  it('ignores other hooks', () => {
    expectIgnored(
      interpretWebhook(
        gitlab(Buffer.from('{"object_kind":"merge_request"}'), 'Merge Request Hook'),
        on('master'),
      ),
      /gitlab "Merge Request Hook" events are not processed/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Function: interpretWebhook — Gitea', () => {
  it('normalises the go-scm push, although GitHub headers are sent too', () => {
    const outcome = interpretWebhook(gitea(corpusBytes('drone-go-scm/gitea/push.json')), {
      secrets: { gitea: SECRET },
      branch: 'master',
    });

    expect(outcome).toMatchObject({ host: 'gitea', deliveryId: '0ad7a2c5-1f5d-4d0b-8b8b-3f3c5c1e2d11' });
    expect(expectPush(outcome)).toEqual({
      deliveryId: '0ad7a2c5-1f5d-4d0b-8b8b-3f3c5c1e2d11',
      repository: {
        host: 'gitea',
        fullName: 'gogits/hello-world',
        url: 'http://try.gitea.io/gogits/hello-world',
        hostId: 61,
      },
      ref: 'refs/heads/master',
      branch: 'master',
      before: '9836a96a253cce25d17988fcf41b8c4205cf779f',
      after: '4522cbcefc20728a5b72b3a86af35e608622c514',
      commits: [
        {
          id: '4522cbcefc20728a5b72b3a86af35e608622c514',
          message: 'Updated readme\n',
          timestamp: '2017-12-09T01:35:07Z',
          author: { name: 'Unknwon', email: 'noreply@gogs.io' },
          added: [],
          modified: ['README.md'],
          removed: [],
        },
      ],
      pusher: { username: 'unknwon', email: 'noreply@gogs.io' },
    });
  });

  it('normalises the documented push, whose commits have no file lists (and ignores its `secret` field)', () => {
    const push = expectPush(
      interpretWebhook(gitea(corpusBytes('gitea-docs/push-example.json')), on('develop')),
    );

    expect(push).toMatchObject({
      repository: { fullName: 'gitea/webhooks', hostId: 140 },
      pusher: { username: 'gitea', name: 'Gitea', email: 'someone@gitea.io' },
    });
    expect(push.commits).toEqual([expect.objectContaining({ added: [], modified: [], removed: [] })]);
  });

  it('authenticates with the header, never with the body `secret` field', () => {
    const body = corpusBytes('gitea-docs/push-example.json');
    const bodySecret = corpusJson('gitea-docs/push-example.json').secret;

    expectRefused(
      interpretWebhook(gitea(body, 'push', { 'x-gitea-signature': undefined }), {
        secrets: { gitea: bodySecret },
        branch: 'develop',
      }),
      401,
      /missing or empty/,
    );
  });

  it.each([
    ['HookPush.json', 'main', 1],
    ['HookPushBranch.json', 'fdsafdsa', 0],
  ])('normalises the woodpecker %s', (file, branch, commits) => {
    const payload = corpusJson(`woodpecker/gitea/${file}`);
    const push = expectPush(interpretWebhook(gitea(corpusBytes(`woodpecker/gitea/${file}`)), on(branch)));

    expect(push).toMatchObject({ branch, before: payload.before, after: payload.after });
    expect(push.commits).toHaveLength(commits);
  });

  it.each([
    ['delete', 'drone-go-scm/gitea/branch_delete.json'],
    ['create', 'drone-go-scm/gitea/branch_create.json'],
    ['create', 'drone-go-scm/gitea/tag_create.json'],
    ['create', 'woodpecker/gitea/HookTag.json'],
    ['pull_request', 'drone-go-scm/gitea/pull_request_edited.json'],
  ])('ignores the %s event %s', (event, file) => {
    expectIgnored(
      interpretWebhook(gitea(corpusBytes(file), event), on('master')),
      new RegExp(`gitea "${event}" events are not processed`),
    );
  });

  it('ignores a push deleting the data branch (all-zero after)', () => {
    const payload = corpusJson('drone-go-scm/gitea/push.json');
    payload.after = ZERO;
    payload.commits = null;

    expectIgnored(interpretWebhook(gitea(bytes(payload)), on('master')), /branch "master" was deleted/);
  });

  it('reads a form-encoded body, whose signature covers the JSON payload, not the form', () => {
    const json = corpusBytes('drone-go-scm/gitea/push.json');
    const form = Buffer.from(new URLSearchParams({ payload: json.toString('utf8') }).toString(), 'utf8');
    const formType = { 'content-type': 'application/x-www-form-urlencoded' };

    const push = expectPush(interpretWebhook(gitea(form, 'push', formType, json), on('master')));
    expect(push.after).toBe('4522cbcefc20728a5b72b3a86af35e608622c514');
    expectRefused(interpretWebhook(gitea(form, 'push', formType, form), on('master')), 401, /does not match/);
  });

  it('refuses a form body without a payload field as unauthenticated', () => {
    const form = Buffer.from('other=1');

    expect(
      interpretWebhook(
        gitea(form, 'push', { 'content-type': 'application/x-www-form-urlencoded' }),
        on('master'),
      ).status,
    ).toBe(401);
  });

  it('refuses the empty signature headers Gitea sends when the hook has no secret', () => {
    const request = gitea(corpusBytes('drone-go-scm/gitea/push.json'), 'push', {
      'x-gitea-signature': '',
      'x-gogs-signature': '',
      'x-hub-signature': 'sha1=',
      'x-hub-signature-256': 'sha256=',
    });

    expectRefused(
      interpretWebhook(request, on('master')),
      401,
      /X-Gitea-Signature header is missing or empty/,
    );
  });

  it('reads pusher.username when pusher.login is absent', () => {
    const payload = corpusJson('drone-go-scm/gitea/push.json');
    delete payload.pusher.login;

    expect(expectPush(interpretWebhook(gitea(bytes(payload)), on('master'))).pusher.username).toBe('unknwon');
  });

  it('needs a pusher login', () => {
    const payload = corpusJson('drone-go-scm/gitea/push.json');
    delete payload.pusher.login;
    delete payload.pusher.username;

    expectRefused(interpretWebhook(gitea(bytes(payload)), on('master')), 400, /"pusher.login" is empty/);
  });

  it('needs the X-Gitea-Delivery header for a push', () => {
    const request = gitea(corpusBytes('drone-go-scm/gitea/push.json'), 'push', {
      'x-gitea-delivery': undefined,
    });

    expectRefused(interpretWebhook(request, on('master')), 400, /X-Gitea-Delivery header is missing/);
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Function: interpretWebhook — Forgejo', () => {
  it('normalises the real 2024 delivery HookPushMulti', () => {
    const outcome = interpretWebhook(
      forgejo(corpusBytes('woodpecker/forgejo/HookPushMulti.json')),
      on('main'),
    );

    expect(outcome).toMatchObject({ host: 'forgejo', deliveryId: 'b3f1e2d4-7c6a-4e5f-9d8c-1a2b3c4d5e6f' });
    const push = expectPush(outcome);
    expect(push).toMatchObject({
      repository: {
        host: 'forgejo',
        fullName: 'Test-CI/multi-line-secrets',
        url: 'http://127.0.0.1:3000/Test-CI/multi-line-secrets',
        hostId: 6,
      },
      ref: 'refs/heads/main',
      before: '6efcf5b7c98f3e7a491675164b7a2e7acac27941',
      after: '29be01c073851cf0db0c6a466e396b725a670453',
      pusher: { username: 'test-user', email: 'test@noreply.localhost' },
    });
    expect(push.pusher.name).toBeUndefined();
    expect(push.commits).toEqual([
      expect.objectContaining({
        id: '29be01c073851cf0db0c6a466e396b725a670453',
        timestamp: '2024-02-22T00:18:07+01:00',
        author: { name: '6543', email: '6543@obermui.de' },
        modified: ['aaa'],
      }),
      expect.objectContaining({ id: '29cd95250404bd007c13b03eabe521196bab98a5', removed: ['aa'] }),
      expect.objectContaining({ id: '93787b87b3134d0d62c7a24c1ea5b1b6fd17ca91', added: ['aa', 'aaa'] }),
    ]);
  });

  it('normalises HookPush (commits without timestamp) and HookPushBranch (a branch creation)', () => {
    const push = expectPush(
      interpretWebhook(forgejo(corpusBytes('woodpecker/forgejo/HookPush.json')), on('main')),
    );
    expect(push.commits[0]).not.toHaveProperty('timestamp');
    expect(push.repository.fullName).toBe('gordon/hello-world');

    const branch = expectPush(
      interpretWebhook(forgejo(corpusBytes('woodpecker/forgejo/HookPushBranch.json')), on('fdsafdsa')),
    );
    expect(branch).toMatchObject({ before: ZERO, commits: [], pusher: { username: '6543' } });
  });

  it('ignores the create event of a tag', () => {
    expectIgnored(
      interpretWebhook(forgejo(corpusBytes('woodpecker/forgejo/HookTag.json'), 'create'), on('main')),
      /forgejo "create" events are not processed/,
    );
  });

  it("verifies the exact bytes sent (Forgejo's 2-space indentation), not a re-serialisation", () => {
    const raw = corpusBytes('woodpecker/forgejo/HookPushMulti.json');
    const request = forgejo(raw);

    expect(
      interpretWebhook({ ...request, body: bytes(JSON.parse(raw.toString('utf8'))) }, on('main')).status,
    ).toBe(401);
  });

  it("uses Gitea's secret when no Forgejo secret is configured, and Forgejo's when one is", () => {
    const body = corpusBytes('woodpecker/forgejo/HookPush.json');

    expectPush(interpretWebhook(forgejo(body), { secrets: { gitea: SECRET }, branch: 'main' }));
    expectPush(
      interpretWebhook(forgejo(body), { secrets: { gitea: 'other', forgejo: SECRET }, branch: 'main' }),
    );
    expectRefused(
      interpretWebhook(forgejo(body), { secrets: { gitea: SECRET, forgejo: 'other' }, branch: 'main' }),
      401,
      /X-Forgejo-Signature signature does not match/,
    );
    expectRefused(
      interpretWebhook(forgejo(body), { secrets: { github: SECRET }, branch: 'main' }),
      401,
      /no forgejo \(or gitea\) webhook secret/,
    );
  });

  it('falls back to the Gitea delivery and signature headers', () => {
    const request = forgejo(corpusBytes('woodpecker/forgejo/HookPush.json'), 'push', {
      'x-forgejo-delivery': undefined,
      'x-forgejo-signature': undefined,
    });

    expect(interpretWebhook(request, on('main'))).toMatchObject({
      kind: 'push',
      deliveryId: '0ad7a2c5-1f5d-4d0b-8b8b-3f3c5c1e2d11',
    });
  });
});

// ---------------------------------------------------------------------------------------------------------

describe('Function: interpretWebhook — authentication comes first', () => {
  const push = corpusBytes('drone-go-scm/github/push.json');

  it.each([
    ['missing', { 'x-hub-signature-256': undefined }, /X-Hub-Signature-256 header is missing or empty/],
    ['empty', { 'x-hub-signature-256': '' }, /missing or empty/],
    ['of the wrong length', { 'x-hub-signature-256': 'foo' }, /does not match/],
    [
      'signed with another secret',
      { 'x-hub-signature-256': `sha256=${hmac('sha256', push, 'other')}` },
      /does not match/,
    ],
    ['only the legacy SHA-1 signature', { 'x-hub-signature-256': undefined }, /missing or empty/],
  ])('refuses a GitHub signature that is %s', (_name, headers, reason) => {
    const outcome = interpretWebhook(github(push, 'push', headers), on('master'));

    expectRefused(outcome, 401, reason);
    expect(outcome).toMatchObject({ host: 'github' });
  });

  it('refuses every host without a configured secret (an empty secret is none)', () => {
    const none: WebhookConfig = {
      secrets: { github: '', gitlab: '', gitea: '', forgejo: '' },
      branch: 'master',
    };

    for (const request of [github(push), gitlab(push), gitea(push), forgejo(push)]) {
      expectRefused(interpretWebhook(request, none), 401, /webhook secret is configured/);
    }
  });

  it('refuses a malformed body or an unknown event before reading it when the signature is wrong', () => {
    const garbage = Buffer.from('{not json');

    expect(
      interpretWebhook(github(garbage, 'push', { 'x-hub-signature-256': 'sha256=00' }), on('main')).status,
    ).toBe(401);
    expect(
      interpretWebhook(gitea(garbage, 'pull_request', { 'x-gitea-signature': 'ab' }), on('main')).status,
    ).toBe(401);
  });

  it('does not accept a signature that covers a different body', () => {
    const signedFor = github(corpusBytes('drone-go-scm/github/push_tag.json'));

    expect(interpretWebhook({ ...signedFor, body: push }, on('master')).status).toBe(401);
  });

  it('reads header names in any case', () => {
    const request = github(push);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name.replace(/(^|-)([a-z])/g, (m) => m.toUpperCase()),
        value,
      ]),
    );

    expectPush(interpretWebhook({ headers, body: push }, on('master')));
  });
});

describe('Function: interpretWebhook — malformed deliveries', () => {
  it('refuses a request from no known host', () => {
    expect(
      interpretWebhook(
        { headers: { 'content-type': 'application/json' }, body: Buffer.from('{}') },
        on('main'),
      ),
    ).toEqual({ status: 400, reason: expect.stringMatching(/not a known git host webhook/) });
  });

  it.each([
    ['malformed JSON', Buffer.from('{"ref": "refs/heads/main",'), /the body is not valid JSON/],
    ['invalid UTF-8', Buffer.from([0x7b, 0xff, 0x7d]), /not valid UTF-8/],
    ['a JSON array', Buffer.from('[]'), /the payload is not a JSON object/],
  ])('refuses %s', (_name, body, reason) => {
    const outcome = interpretWebhook(github(body), on('main'));

    expectRefused(outcome, 400, reason);
    expect(outcome).toMatchObject({ host: 'github' });
  });

  it('refuses a form body without a payload field', () => {
    const request = github(Buffer.from('foo=bar'), 'push', {
      'content-type': 'application/x-www-form-urlencoded',
    });

    expectRefused(interpretWebhook(request, on('main')), 400, /has no "payload" field/);
  });

  it.each([
    ['github', (p: Record<string, unknown>) => delete p.repository, /"repository" is missing/],
    [
      'github',
      (p: { repository: Record<string, unknown> }) => delete p.repository.full_name,
      /"repository.full_name" is missing/,
    ],
    ['github', (p: Record<string, unknown>) => delete p.pusher, /"pusher" is missing/],
    [
      'github',
      (p: { commits: Record<string, unknown>[] }) => delete p.commits[0]?.id,
      /"commits\[0\].id" is missing/,
    ],
    ['github', (p: Record<string, unknown>) => (p.after = 'HEAD'), /"after" is invalid/],
    [
      'gitlab',
      (p: { project: Record<string, unknown> }) => delete p.project.path_with_namespace,
      /"project.path_with_namespace" is missing/,
    ],
    [
      'gitlab',
      (p: Record<string, unknown>) => delete p.user_username,
      /GitLab push payload is not usable: "user_username" is missing/,
    ],
    ['gitea', (p: Record<string, unknown>) => delete p.commits, /"commits" is missing/],
  ] as const)('refuses a %s payload without a required field: %s', (host, edit, reason) => {
    const file = { github: 'github/push.json', gitlab: 'gitlab/push.json', gitea: 'gitea/push.json' }[host];
    const payload = corpusJson(`drone-go-scm/${file}`);
    edit(payload);
    const request = { github, gitlab, gitea }[host](bytes(payload));

    const outcome = interpretWebhook(request, on('master'));
    expectRefused(outcome, 400, reason);
    expect(outcome).toMatchObject({ host });
  });

  it('refuses a GitHub push without X-GitHub-Delivery', () => {
    const request = github(corpusBytes('drone-go-scm/github/push.json'), 'push', {
      'x-github-delivery': undefined,
    });

    expectRefused(interpretWebhook(request, on('master')), 400, /X-GitHub-Delivery header is missing/);
  });

  it('answers a ping without a delivery id', () => {
    const request = github(Buffer.from('{"zen":"Keep it logically awesome."}'), 'ping', {
      'x-github-delivery': undefined,
    });

    expect(interpretWebhook(request, on('master'))).toEqual({ status: 200, kind: 'ping', host: 'github' });
  });
});

describe('Function: interpretWebhook — which pushes are processed', () => {
  const push = corpusBytes('drone-go-scm/github/push.json');

  it('ignores pushes to other branches', () => {
    expectIgnored(
      interpretWebhook(github(push), on('main')),
      /the push is to branch "master", not to the data branch "main"/,
    );
  });

  it('accepts the configured repository, whatever the case of its name', () => {
    expectPush(interpretWebhook(github(push), on('master', { repository: 'Codertocat/Hello-World' })));
    expectPush(interpretWebhook(github(push), on('master', { repository: 'codertocat/hello-world' })));
  });

  it('ignores other repositories', () => {
    const outcome = interpretWebhook(github(push), on('master', { repository: 'acme/data' }));

    expectIgnored(outcome, /repository "Codertocat\/Hello-World", not to the data repository "acme\/data"/);
    expect(outcome).toMatchObject({ deliveryId: '72d3162e-cc78-11e3-81ab-4c9367dc0958' });
  });

  it('ignores refs that are neither branches nor tags', () => {
    const payload = corpusJson('drone-go-scm/github/push.json');
    payload.ref = 'refs/notes/commits';

    expectIgnored(
      interpretWebhook(github(bytes(payload)), on('master')),
      /ref "refs\/notes\/commits" is not a branch/,
    );
  });

  it('ignores a tag whose name is the data branch', () => {
    const payload = corpusJson('drone-go-scm/github/push.json');
    payload.ref = 'refs/tags/master';

    expectIgnored(interpretWebhook(github(bytes(payload)), on('master')), /tag "master" was pushed/);
  });

  it('ignores the deletion of the data branch', () => {
    expectIgnored(
      interpretWebhook(
        github(corpusBytes('drone-go-scm/github/push_branch_delete.json')),
        on('feature-branch'),
      ),
      /branch "feature-branch" was deleted/,
    );
  });

  it('accepts a data branch with slashes', () => {
    const payload = corpusJson('drone-go-scm/github/push.json');
    payload.ref = 'refs/heads/data/main';

    expect(expectPush(interpretWebhook(github(bytes(payload)), on('data/main'))).branch).toBe('data/main');
  });
});
