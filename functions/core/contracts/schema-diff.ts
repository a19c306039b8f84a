import type { SchemaChangeSchema } from '../../../events/domain/common';
import type * as z from '../../shared/zod';
import { quoteValues } from '../quote-values';
import type { Column, CsvDialect, DataContract } from './data-contract';

/**
 * Compares two versions of a product's contract and says which schema changes break consumers.
 *
 * Pure: no I/O, no clock. The order of the changes is deterministic: table-level changes first (primary
 * key, CSV dialect, descriptions), then the columns in the new contract's order, then the removed columns
 * in the old contract's order.
 */

export type SchemaChange = z.infer<typeof SchemaChangeSchema>;
type ChangeKind = SchemaChange['kind'];

/** A change, with how the refusal sentence words it ("removes column \"amount\""), when breaking. */
interface Finding extends SchemaChange {
  phrase?: string;
}

const breakingChange = (
  kind: ChangeKind,
  column: string | null,
  message: string,
  phrase: string,
): Finding => ({
  kind,
  column,
  breaking: true,
  message,
  phrase,
});

const safeChange = (kind: ChangeKind, column: string | null, message: string): Finding => ({
  kind,
  column,
  breaking: false,
  message,
});

const withoutPhrase = ({ kind, column, breaking, message }: Finding): SchemaChange => ({
  kind,
  column,
  breaking,
  message,
});

// ---------------------------------------------------------------------------------------------------------
// Formatting values for messages

const MAX_TEXT = 80;

const show = (value: string | number | boolean | undefined): string =>
  value === undefined ? 'none' : typeof value === 'string' ? JSON.stringify(value) : String(value);

const showText = (text: string | undefined): string =>
  text === undefined
    ? 'none'
    : JSON.stringify(text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 1)}…` : text);

const showKey = (names: readonly string[]): string => `(${names.join(', ')})`;

const quoted = (name: string): string => JSON.stringify(name);

// ---------------------------------------------------------------------------------------------------------
// Table level

const DIALECT_LABELS: Record<keyof CsvDialect, string> = {
  delimiter: 'CSV delimiter',
  header: 'CSV header row',
  quote: 'CSV quote character',
  nullMarker: 'CSV null marker',
  encoding: 'CSV encoding',
};

const dialectChanges = (before: CsvDialect, after: CsvDialect): Finding[] =>
  (Object.keys(DIALECT_LABELS) as (keyof CsvDialect)[]).flatMap((field) => {
    const was = before[field];
    const now = after[field];
    if (was === now) return [];
    const label = DIALECT_LABELS[field];
    return [
      breakingChange(
        'dialect-changed',
        null,
        `${label} changed from ${show(was)} to ${show(now)}`,
        `changes the ${label} from ${show(was)} to ${show(now)}`,
      ),
    ];
  });

/**
 * The primary key as an ordered tuple of column names: by `primaryKeyPosition` where given, the others
 * after them in column order. Names go through `rename` so a renamed key column alone is not a key change
 * (the rename is reported, and is breaking, by itself).
 */
const primaryKeyOf = (columns: readonly Column[], rename: (name: string) => string = (n) => n): string[] =>
  columns
    .map((column, index) => ({ column, index }))
    .filter(({ column }) => column.primaryKey)
    .sort(
      (a, b) =>
        (a.column.primaryKeyPosition ?? Number.POSITIVE_INFINITY) -
          (b.column.primaryKeyPosition ?? Number.POSITIVE_INFINITY) || a.index - b.index,
    )
    .map(({ column }) => rename(column.name));

const descriptionChange = (what: string, before: string | undefined, after: string | undefined): Finding[] =>
  before === after
    ? []
    : [
        safeChange(
          'description-changed',
          null,
          `${what} description changed from ${showText(before)} to ${showText(after)}`,
        ),
      ];

// ---------------------------------------------------------------------------------------------------------
// Column level

/** `integer → number` and `anything → string` accept every value the old type did. */
const isWidening = (from: Column['logicalType'], to: Column['logicalType']): boolean =>
  to === 'string' || (from === 'integer' && to === 'number');

type Bound = number | string;

/**
 * Orders two bounds: numbers numerically, ISO dates and timestamps as instants. `undefined` when they cannot
 * be compared (mixed kinds, unparsable dates): the caller then treats any difference as a tightening.
 */
const compareBounds = (a: Bound, b: Bound): number | undefined => {
  if (typeof a === 'number' && typeof b === 'number') {
    return Number.isNaN(a) || Number.isNaN(b) ? undefined : Math.sign(a - b);
  }
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Date.parse(a);
    const y = Date.parse(b);
    if (Number.isFinite(x) && Number.isFinite(y)) return Math.sign(x - y);
    return a === b ? 0 : undefined;
  }
  return undefined;
};

type LimitKey = 'minimum' | 'exclusiveMinimum' | 'maximum' | 'exclusiveMaximum' | 'minLength' | 'maxLength';

/** `lower`: raising the limit tightens it; otherwise lowering it does. */
const LIMITS: readonly { key: LimitKey; label: string; lower: boolean }[] = [
  { key: 'minimum', label: 'minimum', lower: true },
  { key: 'exclusiveMinimum', label: 'exclusive minimum', lower: true },
  { key: 'maximum', label: 'maximum', lower: false },
  { key: 'exclusiveMaximum', label: 'exclusive maximum', lower: false },
  { key: 'minLength', label: 'minimum length', lower: true },
  { key: 'maxLength', label: 'maximum length', lower: false },
];

const limitChange = (
  name: string,
  { label, lower }: (typeof LIMITS)[number],
  was: Bound | undefined,
  now: Bound | undefined,
): Finding[] => {
  const col = quoted(name);
  if (was === undefined && now === undefined) return [];
  if (was === undefined) {
    return [
      breakingChange(
        'constraint-tightened',
        name,
        `column ${col}: ${label} ${show(now)} added (there was none)`,
        `adds the ${label} ${show(now)} to column ${col}`,
      ),
    ];
  }
  if (now === undefined) {
    return [safeChange('constraint-relaxed', name, `column ${col}: ${label} ${show(was)} removed`)];
  }
  const order = compareBounds(now, was);
  if (order === 0) return [];
  if (order === undefined) {
    return [
      breakingChange(
        'constraint-tightened',
        name,
        `column ${col}: ${label} changed from ${show(was)} to ${show(now)} (the two cannot be compared, so this counts as a tightening)`,
        `changes the ${label} of column ${col} from ${show(was)} to ${show(now)}`,
      ),
    ];
  }
  const direction = order > 0 ? 'raised' : 'lowered';
  const tightened = lower ? order > 0 : order < 0;
  const message = `column ${col}: ${label} ${direction} from ${show(was)} to ${show(now)}`;
  return tightened
    ? [
        breakingChange(
          'constraint-tightened',
          name,
          message,
          `${order > 0 ? 'raises' : 'lowers'} the ${label} of column ${col} from ${show(was)} to ${show(now)}`,
        ),
      ]
    : [safeChange('constraint-relaxed', name, message)];
};

const allowedValuesChange = (
  name: string,
  was: string[] | undefined,
  now: string[] | undefined,
): Finding[] => {
  const col = quoted(name);
  if (was === undefined && now === undefined) return [];
  if (was === undefined && now !== undefined) {
    return [
      breakingChange(
        'constraint-tightened',
        name,
        `column ${col}: values now restricted to ${quoteValues(now)} (any value was allowed)`,
        `restricts column ${col} to the values ${quoteValues(now)}`,
      ),
    ];
  }
  if (now === undefined) {
    return [safeChange('constraint-relaxed', name, `column ${col}: restriction to allowed values removed`)];
  }
  const wasSet = new Set(was);
  const nowSet = new Set(now);
  const removed = [...wasSet].filter((v) => !nowSet.has(v));
  const added = [...nowSet].filter((v) => !wasSet.has(v));
  if (removed.length > 0) {
    const alsoAdded = added.length > 0 ? `; added ${quoteValues(added)}` : '';
    return [
      breakingChange(
        'constraint-tightened',
        name,
        `column ${col}: allowed values ${quoteValues(removed)} removed${alsoAdded}`,
        `removes the allowed values ${quoteValues(removed)} from column ${col}`,
      ),
    ];
  }
  if (added.length > 0) {
    return [
      safeChange('constraint-relaxed', name, `column ${col}: allowed values ${quoteValues(added)} added`),
    ];
  }
  return [];
};

const patternChange = (name: string, was: string | undefined, now: string | undefined): Finding[] => {
  const col = quoted(name);
  if (was === now) return [];
  if (was === undefined) {
    return [
      breakingChange(
        'constraint-tightened',
        name,
        `column ${col}: pattern ${show(now)} added`,
        `adds the pattern ${show(now)} to column ${col}`,
      ),
    ];
  }
  if (now === undefined) {
    return [safeChange('constraint-relaxed', name, `column ${col}: pattern ${show(was)} removed`)];
  }
  // We cannot prove that one regular expression accepts everything the other did.
  return [
    breakingChange(
      'constraint-tightened',
      name,
      `column ${col}: pattern changed from ${show(was)} to ${show(now)}`,
      `changes the pattern of column ${col} from ${show(was)} to ${show(now)}`,
    ),
  ];
};

/** Dates without a format are read as `yyyy-MM-dd`, so stating that format explicitly changes nothing. */
const DEFAULT_DATE_FORMAT = 'yyyy-MM-dd';
const formatOf = (column: Column): string | undefined =>
  column.format ?? (column.logicalType === 'date' ? DEFAULT_DATE_FORMAT : undefined);

const formatChange = (name: string, before: Column, after: Column): Finding[] => {
  // When the type changes, the type change is what readers must deal with; the format goes with it.
  if (before.logicalType !== after.logicalType) return [];
  const was = formatOf(before);
  const now = formatOf(after);
  if (was === now) return [];
  const col = quoted(name);
  // A string column takes any text: dropping its format only relaxes it. Any other change of format
  // changes how values are written, which readers of the old format cannot follow.
  if (now === undefined && after.logicalType === 'string') {
    return [safeChange('constraint-relaxed', name, `column ${col}: format ${show(was)} removed`)];
  }
  return [
    breakingChange(
      'constraint-tightened',
      name,
      `column ${col}: format changed from ${show(was)} to ${show(now)}`,
      `changes the format of column ${col} from ${show(was)} to ${show(now)}`,
    ),
  ];
};

/** The changes to a column present in both versions (possibly renamed: `name` is its new name). */
const columnChanges = (name: string, before: Column, after: Column): Finding[] => {
  const col = quoted(name);
  const changes: Finding[] = [];
  if (before.logicalType !== after.logicalType) {
    const message = `column ${col}: type changed from ${before.logicalType} to ${after.logicalType}`;
    changes.push(
      isWidening(before.logicalType, after.logicalType)
        ? safeChange('type-changed', name, `${message} (a widening: every old value is still valid)`)
        : breakingChange(
            'type-changed',
            name,
            message,
            `changes the type of column ${col} from ${before.logicalType} to ${after.logicalType}`,
          ),
    );
  }
  if (!before.required && after.required) {
    changes.push(
      breakingChange(
        'required-added',
        name,
        `column ${col} is now required (it was optional)`,
        `makes column ${col} required`,
      ),
    );
  } else if (before.required && !after.required) {
    changes.push(safeChange('required-removed', name, `column ${col} is now optional (it was required)`));
  }
  if (!before.unique && after.unique) {
    changes.push(
      breakingChange(
        'unique-added',
        name,
        `column ${col} must now be unique (it was not)`,
        `makes column ${col} unique`,
      ),
    );
  } else if (before.unique && !after.unique) {
    changes.push(safeChange('unique-removed', name, `column ${col} no longer has to be unique`));
  }
  changes.push(...allowedValuesChange(name, before.allowedValues, after.allowedValues));
  for (const limit of LIMITS) changes.push(...limitChange(name, limit, before[limit.key], after[limit.key]));
  changes.push(...patternChange(name, before.pattern, after.pattern));
  changes.push(...formatChange(name, before, after));
  if (before.description !== after.description) {
    changes.push(
      safeChange(
        'description-changed',
        name,
        `column ${col}: description changed from ${showText(before.description)} to ${showText(after.description)}`,
      ),
    );
  }
  return changes;
};

/**
 * The longest common subsequence of two sequences of distinct names (the kept columns, old and new order).
 * Columns outside it are the ones that moved: moving one column to the front reports that column only.
 */
const longestCommonSubsequence = (a: readonly string[], b: readonly string[]): Set<string> => {
  const rows = a.length + 1;
  const cols = b.length + 1;
  // lengths[i * cols + j] = LCS length of a[i..] and b[j..]
  const lengths = new Uint32Array(rows * cols);
  const at = (i: number, j: number): number => lengths[i * cols + j] ?? 0;
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lengths[i * cols + j] = a[i] === b[j] ? at(i + 1, j + 1) + 1 : Math.max(at(i + 1, j), at(i, j + 1));
    }
  }
  const common = new Set<string>();
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common.add(a[i] as string);
      i++;
      j++;
    } else if (at(i + 1, j) >= at(i, j + 1)) {
      i++;
    } else {
      j++;
    }
  }
  return common;
};

// ---------------------------------------------------------------------------------------------------------
// The diff

const findChanges = (before: DataContract, after: DataContract): Finding[] => {
  const oldColumns = before.table.columns;
  const newColumns = after.table.columns;
  const oldByName = new Map(oldColumns.map((column, index) => [column.name, { column, index }]));
  const newNames = new Set(newColumns.map((column) => column.name));

  // A column removed and one added at the same position with the same type: a rename.
  const renamedFrom = new Map<string, string>(); // new name → old name
  const renamedTo = new Map<string, string>(); // old name → new name
  newColumns.forEach((column, index) => {
    const old = oldColumns[index];
    if (
      old !== undefined &&
      !oldByName.has(column.name) &&
      !newNames.has(old.name) &&
      old.logicalType === column.logicalType
    ) {
      renamedFrom.set(column.name, old.name);
      renamedTo.set(old.name, column.name);
    }
  });
  /** The old name of a new column, when it existed before (under that name or renamed). */
  const oldNameOf = (name: string): string | undefined =>
    renamedFrom.get(name) ?? (oldByName.has(name) ? name : undefined);

  // Files without a header row are read by position: there, moving a column or inserting one before an
  // existing column shifts the values under the readers' feet. With a header (the default) readers find
  // columns by name, so order does not matter to them.
  const positional = !(before.dialect.header && after.dialect.header);

  const changes: Finding[] = [];

  // Table level.
  const keyBefore = primaryKeyOf(oldColumns, (name) => renamedTo.get(name) ?? name);
  const keyAfter = primaryKeyOf(newColumns);
  if (keyBefore.length !== keyAfter.length || keyBefore.some((name, i) => name !== keyAfter[i])) {
    const was = keyBefore.length > 0 ? showKey(keyBefore) : 'none';
    const now = keyAfter.length > 0 ? showKey(keyAfter) : 'none';
    changes.push(
      breakingChange(
        'primary-key-changed',
        null,
        `primary key changed from ${was} to ${now}`,
        `changes the primary key from ${was} to ${now}`,
      ),
    );
  }
  changes.push(...dialectChanges(before.dialect, after.dialect));
  changes.push(...descriptionChange('contract', before.description, after.description));
  changes.push(...descriptionChange('table', before.table.description, after.table.description));

  // Columns, in the new order.
  const keptOld = oldColumns.map((c) => c.name).filter((name) => newNames.has(name) || renamedTo.has(name));
  const keptNew = newColumns.map((c) => oldNameOf(c.name)).filter((name) => name !== undefined);
  const inOrder = longestCommonSubsequence(keptOld, keptNew);
  const lastKeptIndex = newColumns.findLastIndex((c) => oldNameOf(c.name) !== undefined);

  newColumns.forEach((column, index) => {
    const name = column.name;
    const col = quoted(name);
    const oldName = oldNameOf(name);
    const old = oldName === undefined ? undefined : oldByName.get(oldName);
    if (oldName === undefined || old === undefined) {
      const shifts = positional && index < lastKeptIndex;
      const message = `column ${col} added as ${column.required ? 'a required' : 'an optional'} ${column.logicalType} column`;
      if (column.required) {
        changes.push(
          breakingChange(
            'column-added',
            name,
            `${message}: files without it are now rejected`,
            `adds the required column ${col}`,
          ),
        );
      } else if (shifts) {
        changes.push(
          breakingChange(
            'column-added',
            name,
            `${message} at position ${index + 1}, before existing columns: files have no header row, so the columns after it shift`,
            `inserts column ${col} before existing columns of a file without a header row`,
          ),
        );
      } else {
        changes.push(safeChange('column-added', name, message));
      }
      return;
    }
    if (oldName !== name) {
      changes.push(
        breakingChange(
          'column-renamed',
          name,
          `column renamed from ${quoted(oldName)} to ${col}`,
          `renames column ${quoted(oldName)} to ${col}`,
        ),
      );
    }
    changes.push(...columnChanges(name, old.column, column));
    if (!inOrder.has(oldName)) {
      const moved = `column ${col} moved from position ${old.index + 1} to position ${index + 1}`;
      if (positional) {
        changes.push(
          breakingChange(
            'column-moved',
            name,
            `${moved}: files have no header row, so columns are read by position`,
            `moves column ${col} from position ${old.index + 1} to ${index + 1} in files without a header row`,
          ),
        );
      } else {
        // Non-breaking: files have a header row, and readers find columns by name, not by position.
        changes.push(
          safeChange(
            'column-moved',
            name,
            `${moved} (files are read by header, so readers are not affected)`,
          ),
        );
      }
    }
  });

  // Removed columns, in the old order.
  for (const column of oldColumns) {
    if (newNames.has(column.name) || renamedTo.has(column.name)) continue;
    changes.push(
      breakingChange(
        'column-removed',
        column.name,
        `column ${quoted(column.name)} (${column.logicalType}) removed`,
        `removes column ${quoted(column.name)}`,
      ),
    );
  }
  return changes;
};

/** Every schema change from `before` to `after`, each marked breaking or not; `[]` when nothing changed. */
export const diffSchemas = (before: DataContract, after: DataContract): SchemaChange[] =>
  findChanges(before, after).map(withoutPhrase);

// ---------------------------------------------------------------------------------------------------------
// Versions

interface SemVer {
  prefix: string;
  major: number;
  minor: number;
}

/** `1.2.3`, `v1.2.3`, `1.2`, `2`, with an optional pre-release / build suffix (`2.0.0-rc.1+b5`). */
const SEMVER = /^([vV]?)(\d+)(?:\.(\d+))?(?:\.\d+)?(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

const parseVersion = (text: string): SemVer | undefined => {
  const match = SEMVER.exec(text.trim());
  if (!match) return undefined;
  return { prefix: match[1] ?? '', major: Number(match[2]), minor: Number(match[3] ?? 0) };
};

/**
 * Whether `next` raises the major version of `previous` (`1.4.2 → 2.0.0`). Below 1.0.0 semver makes no
 * stability promise, so there a minor bump (`0.3.1 → 0.4.0`) counts as major, as is the custom for 0.x
 * versions. Versions that do not parse as semver are never a major bump.
 */
export const isMajorBump = (previous: string, next: string): boolean => {
  const was = parseVersion(previous);
  const now = parseVersion(next);
  if (!was || !now) return false;
  if (now.major > was.major) return true;
  return was.major === 0 && now.major === 0 && now.minor > was.minor;
};

const suggestedVersion = (previous: SemVer): string =>
  previous.major === 0
    ? `${previous.prefix}0.${previous.minor + 1}.0 (or ${previous.prefix}1.0.0)`
    : `${previous.prefix}${previous.major + 1}.0.0`;

// ---------------------------------------------------------------------------------------------------------
// The assessment

export interface ContractChangeAssessment {
  changes: SchemaChange[];
  verdict: 'none' | 'non-breaking' | 'breaking';
  /** false when breaking without a major bump */
  accepted: boolean;
  /** When not accepted: a sentence naming the breaking changes and the versions, saying what to publish. */
  problem?: string;
}

const listing = (phrases: readonly string[]): string =>
  phrases.length <= 1
    ? (phrases[0] ?? '')
    : `${phrases.slice(0, -1).join(', ')} and ${phrases[phrases.length - 1]}`;

/**
 * Classifies the change from `before` to `after` and says whether it may be published: breaking changes
 * need a major version bump (see `isMajorBump`); non-breaking ones are accepted under any version.
 */
export const assessContractChange = (before: DataContract, after: DataContract): ContractChangeAssessment => {
  const findings = findChanges(before, after);
  const changes = findings.map(withoutPhrase);
  if (findings.length === 0) return { changes, verdict: 'none', accepted: true };
  const breakingOnes = findings.filter((f) => f.breaking);
  if (breakingOnes.length === 0) return { changes, verdict: 'non-breaking', accepted: true };
  if (isMajorBump(before.version, after.version)) return { changes, verdict: 'breaking', accepted: true };

  const what = listing(breakingOnes.map((f) => f.phrase ?? f.message));
  const previous = parseVersion(before.version);
  const next = parseVersion(after.version);
  const advice = !previous
    ? `the previous version ${show(before.version)} is not a semantic version (major.minor.patch), so no major bump can be recognised`
    : !next
      ? `${show(after.version)} is not a semantic version (major.minor.patch); publish it as ${suggestedVersion(previous)}`
      : `publish it as ${suggestedVersion(previous)}`;
  return {
    changes,
    verdict: 'breaking',
    accepted: false,
    problem: `breaking changes need a new major version: ${before.version} → ${after.version} ${what}; ${advice}`,
  };
};
