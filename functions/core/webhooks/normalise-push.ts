import {
  type GitCommit,
  type GitHost,
  type GitPusher,
  type GitRepository,
  isZeroSha,
} from '../../../events/inbound/git-push-received';
import * as z from '../../shared/zod';
import {
  GiteaPushSchema,
  GiteaRefUpdateSchema,
  GitHubPushSchema,
  GitHubRefUpdateSchema,
  GitLabPushSchema,
  GitLabRefUpdateSchema,
  type PayloadCommit,
} from './push-payloads';

/** What a push did to one ref, whichever host sent it. */
export interface RefUpdate {
  repository: GitRepository;
  /** As the host sent it: `refs/heads/main`, `refs/tags/v1`. */
  ref: string;
  before: string;
  after: string;
  /** The ref was deleted: all-zero `after`, or GitHub's `deleted: true`. */
  deleted: boolean;
}

/** The rest of a push the platform accepts. */
export interface PushContent {
  commits: GitCommit[];
  pusher: GitPusher;
}

export type PayloadRead<T> = { ok: true; value: T } | { ok: false; reason: string };

const HOST_LABELS: Record<GitHost, string> = {
  github: 'GitHub',
  gitlab: 'GitLab',
  gitea: 'Gitea',
  forgejo: 'Forgejo',
  local: 'local data repository',
};

/** Reads the ref update of a push payload (GitHub/local, GitLab, Gitea/Forgejo formats). */
export const readRefUpdate = (host: GitHost, payload: unknown): PayloadRead<RefUpdate> => {
  switch (host) {
    case 'github':
    case 'local':
      return parsed(host, GitHubRefUpdateSchema, payload, (p) => ({
        repository: repository(host, p.repository.full_name, p.repository.html_url, p.repository.id),
        ref: p.ref,
        before: p.before,
        after: p.after,
        deleted: p.deleted === true || isZeroSha(p.after),
      }));
    case 'gitlab':
      return parsed(host, GitLabRefUpdateSchema, payload, (p) => ({
        repository: repository(
          host,
          p.project.path_with_namespace,
          p.project.web_url,
          p.project.id ?? p.project_id,
        ),
        ref: p.ref,
        before: p.before,
        after: p.after,
        deleted: isZeroSha(p.after),
      }));
    case 'gitea':
    case 'forgejo':
      return parsed(host, GiteaRefUpdateSchema, payload, (p) => ({
        repository: repository(host, p.repository.full_name, p.repository.html_url, p.repository.id),
        ref: p.ref,
        before: p.before,
        after: p.after,
        deleted: isZeroSha(p.after),
      }));
  }
};

/** Reads the commits and the pusher of a push payload the platform accepts. */
export const readPushContent = (host: GitHost, payload: unknown): PayloadRead<PushContent> => {
  switch (host) {
    case 'github':
    case 'local':
      return parsedThen(host, GitHubPushSchema, payload, (p) =>
        content(host, p.commits, 'pusher.name', {
          username: p.pusher.name || p.sender?.login || '',
          email: p.pusher.email,
        }),
      );
    case 'gitlab':
      return parsedThen(host, GitLabPushSchema, payload, (p) =>
        content(host, p.commits, 'user_username', {
          username: p.user_username,
          name: p.user_name,
          email: p.user_email,
        }),
      );
    case 'gitea':
    case 'forgejo':
      return parsedThen(host, GiteaPushSchema, payload, (p) =>
        content(host, p.commits, 'pusher.login', {
          username: p.pusher.login || p.pusher.username || '',
          name: p.pusher.full_name,
          email: p.pusher.email,
        }),
      );
  }
};

// ---------------------------------------------------------------------------------------------------------

type Text = string | null | undefined;

/** Empty strings and nulls are "not sent". */
const text = (value: Text): string | undefined => (value ? value : undefined);

/** The object without its undefined values: optional fields are left out rather than set to undefined. */
const compact = <T extends Record<string, unknown>>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;

const repository = (host: GitHost, fullName: string, url: Text, hostId: number | undefined): GitRepository =>
  compact({ host, fullName, url: text(url), hostId });

const commit = (c: PayloadCommit): GitCommit =>
  compact({
    id: c.id,
    message: c.message,
    timestamp: text(c.timestamp),
    author: c.author ? compact({ name: text(c.author.name), email: text(c.author.email) }) : undefined,
    added: c.added ?? [],
    modified: c.modified ?? [],
    removed: c.removed ?? [],
  });

const content = (
  host: GitHost,
  commits: PayloadCommit[] | null,
  usernamePath: string,
  pusher: { username: string; name?: Text; email?: Text },
): PayloadRead<PushContent> => {
  if (pusher.username === '') return incomplete(host, `"${usernamePath}" is empty: the pusher has no login`);
  return {
    ok: true,
    value: {
      commits: (commits ?? []).map(commit),
      pusher: compact({ username: pusher.username, name: text(pusher.name), email: text(pusher.email) }),
    },
  };
};

const parsed = <S extends z.ZodMiniType, T>(
  host: GitHost,
  schema: S,
  payload: unknown,
  read: (value: z.infer<S>) => T,
): PayloadRead<T> => parsedThen(host, schema, payload, (value) => ({ ok: true, value: read(value) }));

const parsedThen = <S extends z.ZodMiniType, T>(
  host: GitHost,
  schema: S,
  payload: unknown,
  read: (value: z.infer<S>) => PayloadRead<T>,
): PayloadRead<T> => {
  const result = z.safeParse(schema, payload);
  return result.success ? read(result.data) : incomplete(host, describeIssues(payload, result.error.issues));
};

const incomplete = (host: GitHost, detail: string): { ok: false; reason: string } => ({
  ok: false,
  reason: `the ${HOST_LABELS[host]} push payload is not usable: ${detail}`,
});

const MAX_ISSUES = 3;

/** `"repository.full_name" is missing; "after" is invalid (…)`, with paths into the payload. */
const describeIssues = (payload: unknown, issues: readonly z.core.$ZodIssue[]): string => {
  const described = issues.slice(0, MAX_ISSUES).map((issue) => {
    if (issue.path.length === 0) return `the payload is not a JSON object (${issue.message})`;
    const path = pathText(issue.path);
    return valueAt(payload, issue.path) === undefined
      ? `"${path}" is missing`
      : `"${path}" is invalid (${issue.message})`;
  });
  const more = issues.length > MAX_ISSUES ? ` (and ${issues.length - MAX_ISSUES} more)` : '';
  return `${described.join('; ')}${more}`;
};

const pathText = (path: readonly PropertyKey[]): string =>
  path
    .map((segment, i) =>
      typeof segment === 'number' ? `[${segment}]` : `${i === 0 ? '' : '.'}${String(segment)}`,
    )
    .join('');

const valueAt = (value: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>(
    (current, segment) =>
      current !== null && typeof current === 'object'
        ? (current as Record<PropertyKey, unknown>)[segment]
        : undefined,
    value,
  );
