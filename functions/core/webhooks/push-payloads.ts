import { CommitShaSchema } from '../../../events/inbound/git-push-received';
import * as z from '../../shared/zod';

// The parts of each host's push payload the receiver reads, and nothing else: unknown keys are allowed (and
// dropped). Each host comes in two steps: the ref update (enough to decide whether the push matters; GitLab's
// Tag Push Hook, for one, has no `user_username`), then the commits and the pusher of a push that does.

/** A string the hosts may also send as `null` or leave out. */
const optionalText = z.optional(z.nullable(z.string()));

/** File lists: GitLab and Gitea leave them out of some commits; Go hosts send `null` for an empty list. */
const fileList = z.optional(z.nullable(z.array(z.string())));

/** One commit, as GitHub, GitLab, Gitea and Forgejo all list it. */
export const PayloadCommitSchema = z.object({
  id: z.string(),
  message: z.string(),
  timestamp: optionalText,
  author: z.optional(z.nullable(z.object({ name: optionalText, email: optionalText }))),
  added: fileList,
  modified: fileList,
  removed: fileList,
});

/** `commits` is always sent; Go hosts send `null` for none. */
const commitList = z.nullable(z.array(PayloadCommitSchema));

const refUpdateFields = {
  ref: z.string().check(z.minLength(1)),
  before: CommitShaSchema,
  after: CommitShaSchema,
};

const repositoryFields = {
  full_name: z.string().check(z.minLength(1)),
  html_url: optionalText,
  id: z.optional(z.number()),
};

// ---------------------------------------------------------------------------------------------------------
// GitHub (and the local data repo, which speaks GitHub's format)

export const GitHubRefUpdateSchema = z.object({
  ...refUpdateFields,
  deleted: z.optional(z.boolean()),
  repository: z.object(repositoryFields),
});

export const GitHubPushSchema = z.extend(GitHubRefUpdateSchema, {
  commits: commitList,
  /** GitHub's `pusher.name` is the login. */
  pusher: z.object({ name: z.string(), email: optionalText }),
  sender: z.optional(z.nullable(z.object({ login: optionalText }))),
});

// ---------------------------------------------------------------------------------------------------------
// GitLab

export const GitLabRefUpdateSchema = z.object({
  ...refUpdateFields,
  project_id: z.optional(z.number()),
  project: z.object({
    id: z.optional(z.number()),
    path_with_namespace: z.string().check(z.minLength(1)),
    web_url: optionalText,
  }),
});

export const GitLabPushSchema = z.extend(GitLabRefUpdateSchema, {
  commits: commitList,
  user_username: z.string().check(z.minLength(1)),
  user_name: optionalText,
  user_email: optionalText,
});

// ---------------------------------------------------------------------------------------------------------
// Gitea and Forgejo

export const GiteaRefUpdateSchema = z.object({
  ...refUpdateFields,
  repository: z.object(repositoryFields),
});

export const GiteaPushSchema = z.extend(GiteaRefUpdateSchema, {
  commits: commitList,
  /** Gitea's user: `login` (older versions and Gogs: `username`), `full_name`, `email`. */
  pusher: z.object({
    login: optionalText,
    username: optionalText,
    full_name: optionalText,
    email: optionalText,
  }),
});

export type PayloadCommit = z.infer<typeof PayloadCommitSchema>;
export type GitHubPush = z.infer<typeof GitHubPushSchema>;
export type GitLabPush = z.infer<typeof GitLabPushSchema>;
export type GiteaPush = z.infer<typeof GiteaPushSchema>;
