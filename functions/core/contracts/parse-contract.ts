import {
  type Document,
  isCollection,
  isNode,
  LineCounter,
  type Node,
  type ParsedNode,
  parseAllDocuments,
  visit,
} from 'yaml';
import * as z from '../../shared/zod';
import type { Problem } from '../problem';
import type { DataContract } from './data-contract';
import { OdcsContractSchema } from './odcs-schema';
import { type Finding, platformFindings, toDataContract } from './to-domain';

export interface ParseContractOptions {
  /** Shown in the path of YAML syntax problems (`datacontract.yaml:3:7`) and of document-wide problems. */
  fileName: string;
  /** The product folder the contract was found in. */
  productId: string;
}

export type ParseContractResult = { ok: true; contract: DataContract } | { ok: false; problems: Problem[] };

/**
 * Parses a `datacontract.yaml` (or `.json`: JSON is YAML) into the platform's contract model.
 *
 * Never throws on bad input. Every problem is reported at once, with a path into the document: YAML syntax
 * errors as `file:line:column`, ODCS schema violations and platform rules as `schema[0].properties[2].name`.
 */
export const parseContract = (text: string, opts: ParseContractOptions): ParseContractResult => {
  const read = readYaml(text, opts.fileName);
  if (!read.ok) return read;

  const parsed = z.safeParse(OdcsContractSchema, read.value, { reportInput: true });
  const findings = [
    ...(parsed.success ? [] : parsed.error.issues.flatMap((issue) => fromIssue(issue, []))),
    ...platformFindings(read.value, opts.productId),
  ];
  if (!parsed.success || findings.length > 0) {
    return {
      ok: false,
      problems: inDocumentOrder(findings, read.doc).map((f) => toProblem(f, opts.fileName)),
    };
  }
  return toDataContract(parsed.data, opts.productId);
};

// ---------------------------------------------------------------------------------------------------------
// YAML

type YamlRead = { ok: true; value: unknown; doc: Document.Parsed } | { ok: false; problems: Problem[] };

const readYaml = (text: string, fileName: string): YamlRead => {
  const lines = new LineCounter();
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${fileName}:${line}:${col}`;
  };
  // resolveKnownTags: false keeps YAML 1.1 tags such as !!binary or !!set from producing non-JSON values.
  const docs = parseAllDocuments(text, { lineCounter: lines, uniqueKeys: true, resolveKnownTags: false });
  const first = docs[0];
  if (!first) return fail(fileName, 'the contract is empty');
  if (docs.length > 1) {
    const second = docs[1]?.range[0] ?? 0;
    return fail(at(second), `expected one YAML document, found ${docs.length} (remove the "---" separators)`);
  }
  const syntax = first.errors.map((error) => ({
    path: at(error.pos[0]),
    message:
      error.code === 'DUPLICATE_KEY'
        ? duplicateKeyMessage(text, error.pos[0])
        : withoutSnippet(error.message),
  }));
  if (syntax.length > 0) return { ok: false, problems: syntax };

  const structural: Problem[] = [];
  visit(first, {
    Pair: (_key, pair) => {
      if (isCollection(pair.key)) {
        structural.push({
          path: at(startOf(pair.key)),
          message: 'a key must be a plain value, not a list or a map',
        });
      }
    },
    Alias: (_key, alias) => {
      if (!alias.resolve(first)) {
        structural.push({
          path: at(startOf(alias)),
          message: `unknown anchor "${alias.source}" (define &${alias.source} before using it)`,
        });
      }
    },
  });
  if (structural.length > 0) return { ok: false, problems: structural };

  try {
    const value: unknown = first.toJS({ maxAliasCount: 100 });
    if (value === null || value === undefined) return fail(fileName, 'the contract is empty');
    return { ok: true, value, doc: first };
  } catch (error) {
    // Alias expansion beyond maxAliasCount ("billion laughs") ends up here.
    return fail(fileName, error instanceof Error ? error.message : String(error));
  }
};

const fail = (path: string, message: string): { ok: false; problems: Problem[] } => ({
  ok: false,
  problems: [{ path, message }],
});

const startOf = (node: Node): number => node.range?.[0] ?? 0;

/** The yaml package does not name the key; the source at the error position does. */
const duplicateKeyMessage = (text: string, offset: number): string => {
  const key = /^("(?:[^"\\]|\\.)*"|'[^']*'|[^:#\n]+?)\s*:/.exec(text.slice(offset))?.[1];
  return key === undefined
    ? 'duplicate key'
    : `duplicate key ${key.startsWith('"') || key.startsWith("'") ? key : `"${key}"`}`;
};

/** The yaml package appends " at line 3, column 7:" and a code excerpt; the path already says where. */
const withoutSnippet = (message: string): string => message.replace(/ at line \d+, column \d+:?[\s\S]*$/, '');

// ---------------------------------------------------------------------------------------------------------
// zod issues → findings

type Issue = z.core.$ZodIssue;
type Path = Finding['path'];

const fromIssue = (issue: Issue, base: Path): Finding[] => {
  const path: Path = [...base, ...issue.path.map((key) => (typeof key === 'number' ? key : String(key)))];
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return [{ path, message: 'required' }];
      return [
        {
          path,
          message: `expected ${typeName(issue.expected)}, got ${describe(issue.input)}${quoteHint(issue)}`,
        },
      ];
    case 'invalid_value':
      return [{ path, message: valueMessage(issue.values, issue.input) }];
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: [...path, key], message: `unknown key "${key}"` }));
    case 'too_small':
      return [
        { path, message: sizeMessage(issue.origin, 'at least', issue.minimum, issue.inclusive, issue.exact) },
      ];
    case 'too_big':
      return [
        { path, message: sizeMessage(issue.origin, 'at most', issue.maximum, issue.inclusive, issue.exact) },
      ];
    case 'invalid_format':
      return [
        { path, message: isDefaultMessage(issue.message) ? `must match ${issue.pattern}` : issue.message },
      ];
    case 'not_multiple_of':
      return [{ path, message: `must be a multiple of ${issue.divisor}` }];
    case 'invalid_union':
      return fromUnionIssue(issue, path);
    case 'invalid_key':
    case 'invalid_element':
      return issue.issues.flatMap((inner) => fromIssue(inner, path));
    default:
      return [{ path, message: issue.message }];
  }
};

const fromUnionIssue = (issue: Extract<Issue, { code: 'invalid_union' }>, path: Path): Finding[] => {
  if (issue.discriminator !== undefined) {
    const options = ('options' in issue ? (issue.options ?? []) : []).filter(
      (o) => o !== undefined && o !== null,
    );
    const value = isRecord(issue.input) ? issue.input[issue.discriminator] : undefined;
    return [{ path, message: valueMessage(options, value) }];
  }
  // A branch whose issues are all "wrong kind of value" at the union itself was not what the author meant;
  // a branch that got further (unknown key, bad nested field) was, so its issues are the useful ones.
  const shallow = (i: Issue): boolean =>
    i.path.length === 0 &&
    ['invalid_type', 'invalid_union', 'invalid_format', 'invalid_value'].includes(i.code);
  const deep = issue.errors.filter((branch) => branch.length > 0 && !branch.every(shallow));
  const best = deep.sort((a, b) => a.length - b.length)[0];
  if (best) return best.flatMap((inner) => fromIssue(inner, path));
  if (issue.input === undefined) return [{ path, message: 'required' }];
  if (!isDefaultMessage(issue.message)) return [{ path, message: issue.message }];
  const expected = issue.errors.flatMap((branch) =>
    branch.flatMap((i) => (i.code === 'invalid_type' ? [typeName(i.expected)] : [])),
  );
  return [{ path, message: `expected ${[...new Set(expected)].join(' or ')}, got ${describe(issue.input)}` }];
};

const isDefaultMessage = (message: string): boolean => message.startsWith('Invalid');

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const typeName = (expected: string): string =>
  ({
    string: 'a string',
    number: 'a number',
    int: 'an integer',
    boolean: 'true or false',
    object: 'an object',
    record: 'an object',
    array: 'a list',
    null: 'null',
  })[expected] ?? expected;

/** For enumerations and discriminators: `required: one of a, b` or `expected one of a, b, got "c"`. */
const valueMessage = (values: readonly unknown[], input: unknown): string => {
  const allowed = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(', ')}`;
  return input === undefined ? `required: ${allowed}` : `expected ${allowed}, got ${describe(input)}`;
};

const quoteHint = (issue: Extract<Issue, { code: 'invalid_type' }>): string =>
  issue.expected === 'string' && (typeof issue.input === 'number' || typeof issue.input === 'boolean')
    ? ' (put the value in quotes)'
    : '';

const sizeMessage = (
  origin: string,
  bound: 'at least' | 'at most',
  limit: number | bigint,
  inclusive: boolean | undefined,
  exact: boolean | undefined,
): string => {
  const qualifier = exact ? 'exactly' : bound;
  if (origin === 'string') return `must be ${qualifier} ${limit} character${limit === 1 ? '' : 's'} long`;
  if (origin === 'array') return `must have ${qualifier} ${limit} item${limit === 1 ? '' : 's'}`;
  const op = bound === 'at least' ? (inclusive ? '≥' : '>') : inclusive ? '≤' : '<';
  return `must be ${op} ${limit}`;
};

export const describe = (value: unknown): string => {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return `${typeof value} ${String(value)}`;
};

// ---------------------------------------------------------------------------------------------------------
// Output

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

export const formatPath = (path: Path): string =>
  path.reduce<string>((text, key) => {
    if (typeof key === 'number') return `${text}[${key}]`;
    const name = String(key);
    if (!IDENTIFIER.test(name)) return `${text}[${JSON.stringify(name)}]`;
    return text === '' ? name : `${text}.${name}`;
  }, '');

const toProblem = (finding: Finding, fileName: string): Problem => ({
  path: finding.path.length === 0 ? fileName : formatPath(finding.path),
  message: finding.message,
});

/** Problems in the order their places appear in the file; a missing key sorts at its parent. */
const inDocumentOrder = (findings: Finding[], doc: Document.Parsed): Finding[] => {
  const offsetOf = (path: Path): number => {
    for (let length = path.length; length > 0; length--) {
      const node: unknown = doc.getIn(path.slice(0, length), true);
      if (isNode(node)) return (node as ParsedNode).range[0];
    }
    return 0;
  };
  return findings
    .map((finding, index) => ({ finding, index, offset: offsetOf(finding.path) }))
    .sort((a, b) => a.offset - b.offset || a.index - b.index)
    .map(({ finding }) => finding);
};
