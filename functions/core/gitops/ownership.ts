import type { GitPusher } from '../../../events/inbound/git-push-received';
import * as z from '../../shared/zod';

/**
 * "A team may change only its own products": whether the pusher of a git push may change one product folder
 * of the data repo. Pure: the caller reads the platform's team config and the repository's CODEOWNERS.
 *
 * Membership comes from two sources, either of which is enough:
 * - platform config: team → members, each a username (`alice`, `@alice`) or an email address;
 * - CODEOWNERS (GitHub syntax): `@user` and email owners grant the folder to that person, `@org/team-slug`
 *   grants it to the members of the configured team named `team-slug` (the platform does not ask the git host
 *   who is in a host team, and ignores the org part).
 */

/** Team → members (usernames, with or without `@`, or email addresses; compared case-insensitively). */
export const TeamsConfigSchema = z.record(z.string(), z.array(z.string()));
export type TeamsConfig = z.infer<typeof TeamsConfigSchema>;

/** Where GitHub looks for CODEOWNERS, in its order: the first file found is the only one used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const;

export interface CodeownersRule {
  /** As written (backslash escapes included): gitignore-style, case-sensitive. */
  pattern: string;
  /** `@user`, `@org/team-slug` or an email address; empty when the rule removes every owner. */
  owners: string[];
  /** 1-based line in the CODEOWNERS file. */
  line: number;
}

export interface CodeownersProblem {
  line: number;
  message: string;
}

export type OwnershipDecision = { allowed: true; basis: string } | { allowed: false; reason: string };

export interface OwnershipInput {
  pusher: GitPusher;
  /** The product folder, `orders` (a trailing `/` is ignored). */
  folder: string;
  /** The owner team of the product as registered; undefined for a new product. */
  currentOwnerTeam?: string;
  /** The owner team in the pushed contract; undefined when the folder is deleted or has no contract. */
  newOwnerTeam?: string;
}

export interface OwnershipPolicy {
  /** From platform config. */
  teams: TeamsConfig;
  /**
   * From the repository's CODEOWNERS as it was at the commit BEFORE the push (the push's `before`), never at
   * `after`: otherwise a push could add its author to CODEOWNERS and be authorised by its own change. Empty or
   * undefined when the repository has no CODEOWNERS (or the branch is new).
   */
  codeowners?: readonly CodeownersRule[];
}

// ---------------------------------------------------------------------------------------------------------
// CODEOWNERS parsing

const USER_OWNER = /^@[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
/** `@org/team-slug`; GitLab nests groups, `@group/subgroup/team`. */
const TEAM_OWNER = /^@[A-Za-z0-9_][A-Za-z0-9_.-]*(\/[A-Za-z0-9_][A-Za-z0-9_.-]*)+$/;
const EMAIL_OWNER = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const isValidOwner = (owner: string): boolean =>
  USER_OWNER.test(owner) || TEAM_OWNER.test(owner) || EMAIL_OWNER.test(owner);

/**
 * Splits a line into tokens at unescaped blanks, keeping backslash escapes in the tokens (the pattern is
 * compiled from them). A `#` starting a token starts a comment that runs to the end of the line.
 */
const tokenize = (line: string): { tokens: string[]; danglingEscape: boolean } => {
  const tokens: string[] = [];
  let token = '';
  for (let i = 0; i < line.length; i++) {
    const ch = line[i] as string;
    if (ch === '\\') {
      const next = line[i + 1];
      if (next === undefined) return { tokens: [...tokens, ...(token ? [token] : [])], danglingEscape: true };
      token += ch + next;
      i++;
    } else if (ch === ' ' || ch === '\t') {
      if (token) tokens.push(token);
      token = '';
    } else if (ch === '#' && token === '') {
      break;
    } else {
      token += ch;
    }
  }
  if (token) tokens.push(token);
  return { tokens, danglingEscape: false };
};

/**
 * Reads a CODEOWNERS file. Blank lines and comments (`#` at the start of a line or of a word) are skipped;
 * a line with invalid syntax is reported in `problems` and skipped entirely, as GitHub does (so it neither
 * grants nor removes owners). Unsupported gitignore syntax — `!` negation, `[…]` ranges, GitLab `[Section]`
 * headers — is reported too. A backslash escapes the next character (`\#`, `\ `), as in gitignore.
 */
export const parseCodeowners = (text: string): { rules: CodeownersRule[]; problems: CodeownersProblem[] } => {
  const rules: CodeownersRule[] = [];
  const problems: CodeownersProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (/^\^?\[/.test(trimmed)) {
      problems.push({
        line,
        message: 'GitLab sections ("[Section]") are not supported; the line is ignored',
      });
      return;
    }
    const { tokens, danglingEscape } = tokenize(trimmed);
    if (danglingEscape) {
      problems.push({ line, message: 'the line ends with a lone backslash' });
      return;
    }
    const [pattern, ...owners] = tokens;
    if (pattern === undefined) return;
    const compiled = compilePattern(pattern);
    if (!compiled.ok) {
      problems.push({ line, message: `invalid pattern "${pattern}": ${compiled.message}` });
      return;
    }
    const invalid = owners.filter((owner) => !isValidOwner(owner));
    if (invalid.length > 0) {
      problems.push({
        line,
        message: `invalid owner${invalid.length > 1 ? 's' : ''} ${invalid.map((o) => `"${o}"`).join(', ')}: use @user, @org/team or an email address`,
      });
      return;
    }
    rules.push({ pattern, owners, line });
  });
  return { rules, problems };
};

// ---------------------------------------------------------------------------------------------------------
// Pattern matching

type Unit =
  | { kind: 'literal'; char: string; escaped: boolean }
  | { kind: 'star' }
  | { kind: 'any' }
  | { kind: 'separator' };
type Compiled = { ok: true; regex: RegExp } | { ok: false; message: string };

const escapeRegex = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const unitsOf = (pattern: string): Unit[] => {
  const units: Unit[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === '\\' && i + 1 < pattern.length) {
      units.push({ kind: 'literal', char: pattern[i + 1] as string, escaped: true });
      i++;
    } else if (ch === '*') units.push({ kind: 'star' });
    else if (ch === '?') units.push({ kind: 'any' });
    else if (ch === '/') units.push({ kind: 'separator' });
    else units.push({ kind: 'literal', char: ch, escaped: false });
  }
  return units;
};

const isDoubleStar = (segment: Unit[]): boolean =>
  segment.length === 2 && segment.every((unit) => unit.kind === 'star');
const isSingleStar = (segment: Unit[]): boolean => segment.length === 1 && segment[0]?.kind === 'star';

const segmentRegex = (segment: Unit[]): string => {
  // A segment that is only `*` names one entry: it must not match the empty name (`docs/*` is not `docs/`).
  if (isSingleStar(segment)) return '[^/]+';
  let re = '';
  segment.forEach((unit, i) => {
    if (unit.kind === 'literal') re += escapeRegex(unit.char);
    else if (unit.kind === 'any') re += '[^/]';
    else if (unit.kind === 'star' && segment[i - 1]?.kind !== 'star') re += '[^/]*';
  });
  return re;
};

// gitignore-style, as GitHub applies it to CODEOWNERS:
// - `*` matches within one path segment, `?` one character of it, `**` any number of segments
//   (`**/logs`, `docs/**`, `a/**/b`);
// - a leading `/`, or a `/` in the middle, anchors the pattern to the repository root; otherwise it matches
//   at any depth (`apps/`, `*.yaml`);
// - a trailing `/` matches a directory only; a match on a directory covers everything under it;
// - `dir/*` matches the entries directly in `dir`, not deeper (GitHub's documented behaviour).
// Paths are matched as given: a directory is asked for with a trailing `/` (`orders/`).
const MAX_WILDCARDS = 8;

const compilePattern = (pattern: string): Compiled => {
  if (pattern.startsWith('!')) return { ok: false, message: 'negation ("!") is not supported in CODEOWNERS' };
  const units = unitsOf(pattern);
  if (
    units.some((unit) => unit.kind === 'literal' && !unit.escaped && (unit.char === '[' || unit.char === ']'))
  ) {
    return { ok: false, message: 'character ranges ("[…]") are not supported in CODEOWNERS' };
  }
  const wildcards = units.filter((unit, i) => unit.kind === 'star' && units[i - 1]?.kind !== 'star').length;
  if (wildcards > MAX_WILDCARDS) {
    // Each wildcard is a backtracking point of the regular expression: a pathological pattern in the
    // repository must not stall the processor.
    return { ok: false, message: `more than ${MAX_WILDCARDS} wildcards` };
  }
  const segments: Unit[][] = [[]];
  for (const unit of units) {
    if (unit.kind === 'separator') segments.push([]);
    else segments[segments.length - 1]?.push(unit);
  }
  const leadingSlash = segments.length > 1 && segments[0]?.length === 0;
  const directoryOnly = segments.length > 1 && segments[segments.length - 1]?.length === 0;
  // Empty segments (`a//b`) collapse; consecutive `**` segments are one.
  const parts = segments
    .filter((segment) => segment.length > 0)
    .filter((segment, i, all) => !(isDoubleStar(segment) && i > 0 && isDoubleStar(all[i - 1] as Unit[])));
  if (parts.length === 0) return { ok: false, message: 'the pattern names no path' };
  if (parts.length === 1 && isDoubleStar(parts[0] as Unit[])) return { ok: true, regex: /^.+$/ };

  const anchored = leadingSlash || parts.length > 1;
  let re = anchored ? '^' : '^(?:.*/)?';
  let needSeparator = false;
  parts.forEach((segment, i) => {
    const last = i === parts.length - 1;
    if (isDoubleStar(segment)) {
      if (i === 0) {
        re += '(?:.*/)?';
        needSeparator = false;
      } else if (last) {
        re += '/.+';
      } else {
        re += '(?:/.*)?';
        needSeparator = true;
      }
      return;
    }
    if (needSeparator) re += '/';
    re += segmentRegex(segment);
    needSeparator = true;
  });
  const lastPart = parts[parts.length - 1] as Unit[];
  if (isDoubleStar(lastPart)) re += '$';
  else if (directoryOnly) re += '/.*$';
  else if (parts.length > 1 && isSingleStar(lastPart)) re += '$';
  else re += '(?:/.*)?$';
  return { ok: true, regex: new RegExp(re, 's') };
};

const compiledCache = new Map<string, RegExp | undefined>();
const patternRegex = (pattern: string): RegExp | undefined => {
  if (compiledCache.has(pattern)) return compiledCache.get(pattern);
  const compiled = compilePattern(pattern);
  const regex = compiled.ok ? compiled.regex : undefined;
  if (compiledCache.size >= 1000) compiledCache.clear();
  compiledCache.set(pattern, regex);
  return regex;
};

/** The rule that decides a path: the LAST one whose pattern matches it. */
const ruleFor = (rules: readonly CodeownersRule[], path: string): CodeownersRule | undefined => {
  const relative = path.replace(/^\/+/, '');
  for (let i = rules.length - 1; i >= 0; i--) {
    const rule = rules[i] as CodeownersRule;
    if (patternRegex(rule.pattern)?.test(relative)) return rule;
  }
  return undefined;
};

/**
 * The owners of a repository-relative path (`orders/datacontract.yaml`; a directory with a trailing `/`,
 * `orders/`): those of the last matching rule, [] when no rule matches or the last match names no owner.
 */
export const codeownersFor = (rules: readonly CodeownersRule[], path: string): string[] => [
  ...(ruleFor(rules, path)?.owners ?? []),
];

// ---------------------------------------------------------------------------------------------------------
// The decision

const NOT_ENFORCED = 'ownership not enforced: no teams configured and no CODEOWNERS';

/** Ownership is checked once platform config names a team or the repository has CODEOWNERS rules. */
export const ownershipEnforced = (policy: OwnershipPolicy): boolean =>
  Object.keys(policy.teams).length > 0 || (policy.codeowners?.length ?? 0) > 0;

interface Team {
  name: string;
  members: readonly string[];
}

const clean = (team: string | undefined): string | undefined => {
  const trimmed = team?.trim();
  return trimmed ? trimmed : undefined;
};

const sameTeam = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The configured team of that name: the exact key first, else one that differs only in case. */
const findTeam = (teams: TeamsConfig, name: string): Team | undefined => {
  const entries = Object.entries(teams);
  const found = entries.find(([key]) => key === name) ?? entries.find(([key]) => sameTeam(key, name));
  return found ? { name: found[0], members: found[1] } : undefined;
};

const isMember = (members: readonly string[], pusher: GitPusher): boolean => {
  const username = pusher.username.trim().replace(/^@/, '').toLowerCase();
  const email = pusher.email?.trim().toLowerCase();
  return members.some((entry) => {
    const member = entry.trim().toLowerCase();
    if (member.includes('@') && !member.startsWith('@'))
      return email !== undefined && email !== '' && member === email;
    const name = member.replace(/^@/, '');
    return name !== '' && name === username;
  });
};

interface FolderOwners {
  /** Distinct owners named for the folder, with the rule naming each first. */
  owners: { owner: string; rule: CodeownersRule }[];
}

/** Owners of the folder itself (`orders/`) and of its contract file: either grants the folder. */
const folderOwners = (rules: readonly CodeownersRule[], folder: string): FolderOwners => {
  const owners: FolderOwners['owners'] = [];
  for (const path of [`${folder}/`, `${folder}/datacontract.yaml`]) {
    const rule = ruleFor(rules, path);
    for (const owner of rule?.owners ?? []) {
      if (rule && !owners.some((o) => o.owner.toLowerCase() === owner.toLowerCase()))
        owners.push({ owner, rule });
    }
  }
  return { owners };
};

const describeRule = (rule: CodeownersRule): string => `CODEOWNERS line ${rule.line} ("${rule.pattern}")`;

/** Why CODEOWNERS lets the pusher change the folder, or undefined. */
const codeownersGrant = (
  found: FolderOwners,
  folder: string,
  pusher: GitPusher,
  who: string,
  teams: TeamsConfig,
): string | undefined => {
  const username = pusher.username.trim().replace(/^@/, '').toLowerCase();
  const email = pusher.email?.trim().toLowerCase();
  for (const { owner, rule } of found.owners) {
    const lower = owner.toLowerCase();
    if (TEAM_OWNER.test(owner)) {
      const slug = owner.slice(owner.lastIndexOf('/') + 1);
      const team = findTeam(teams, slug);
      if (team && isMember(team.members, pusher)) {
        return `${describeRule(rule)} gives "${folder}/" to ${owner}, and ${who} is a member of team "${team.name}"`;
      }
    } else if (lower.startsWith('@')) {
      if (username !== '' && lower.slice(1) === username) {
        return `${describeRule(rule)} names ${owner} as owner of "${folder}/"`;
      }
    } else if (email && lower === email) {
      return `${describeRule(rule)} names ${owner} as owner of "${folder}/"`;
    }
  }
  return undefined;
};

const listOwners = (found: FolderOwners): string => {
  const names = found.owners.map((o) => o.owner);
  return names.length > 10 ? `${names.slice(0, 10).join(', ')}, …` : names.join(', ');
};

/**
 * Whether the pusher may change the product in `folder`. The team that must approve is the product's current
 * owner team when it exists (so moving a product to another team takes a member of the team that owns it
 * now), else the owner team the pushed contract names. The pusher is authorised when platform config lists
 * them (username or email, case-insensitive) as a member of that team, or when CODEOWNERS — read at the
 * commit BEFORE the push (see {@link OwnershipPolicy.codeowners}) — grants the folder to them: by `@username`,
 * by email, or by `@org/team-slug` for a configured team they are a member of.
 *
 * When neither team is known (no product registered and no contract pushed), only CODEOWNERS can grant.
 */
export const decideOwnership = (input: OwnershipInput, policy: OwnershipPolicy): OwnershipDecision => {
  if (!ownershipEnforced(policy)) return { allowed: true, basis: NOT_ENFORCED };
  const { pusher } = input;
  const folder = input.folder.replace(/\/+$/, '');
  const who = pusher.username.trim() || pusher.email?.trim() || 'the pusher';
  const current = clean(input.currentOwnerTeam);
  const next = clean(input.newOwnerTeam);
  const required = current ?? next;
  const moving = current !== undefined && next !== undefined && !sameTeam(current, next);
  const moveNote = moving ? ` (moving it to team "${next}")` : '';

  const team = required === undefined ? undefined : findTeam(policy.teams, required);
  if (required !== undefined && team && isMember(team.members, pusher)) {
    const relation = current === undefined ? 'named as owner of the new product' : 'which owns';
    return {
      allowed: true,
      basis: `${who} is a member of team "${team.name}", ${relation} "${folder}"${moveNote}`,
    };
  }

  const found = folderOwners(policy.codeowners ?? [], folder);
  const granted = codeownersGrant(found, folder, pusher, who, policy.teams);
  if (granted) return { allowed: true, basis: `${granted}${moveNote}` };

  const hasOwners = found.owners.length > 0;
  const codeownersClause = hasOwners
    ? `${who} is not a code owner of "${folder}/" (CODEOWNERS names ${listOwners(found)})`
    : `CODEOWNERS names no owner for "${folder}/"`;

  if (required === undefined) {
    return {
      allowed: false,
      reason: `${who} may not change "${folder}": no owner team is known for it and ${codeownersClause}`,
    };
  }
  const teamConfigured = team !== undefined && team.members.length > 0;
  if (moving) {
    const only = teamConfigured
      ? `only members of "${current}"${hasOwners ? ` or the code owners of "${folder}/" (${listOwners(found)})` : ''} can`
      : `team "${current}" has no members configured and ${codeownersClause}`;
    return {
      allowed: false,
      reason: `${who} may not move "${folder}" from team "${current}" to team "${next}": ${only}`,
    };
  }
  if (!teamConfigured) {
    return {
      allowed: false,
      reason: `${who} may not change "${folder}": team "${required}" has no members configured and ${codeownersClause}`,
    };
  }
  const relation =
    current === undefined ? `named as owner of the new product "${folder}"` : `which owns "${folder}"`;
  const nor = hasOwners ? `, nor a code owner of "${folder}/" (CODEOWNERS names ${listOwners(found)})` : '';
  return { allowed: false, reason: `${who} is not a member of team "${required}", ${relation}${nor}` };
};
