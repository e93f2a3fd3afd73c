// Validation of Nomad `periodic { cron = "..." }` / `crons = [...]` specs.
//
// Nomad registers a periodic job only if `cronexpr.Parse(spec)` from github.com/hashicorp/cronexpr (a fork
// of github.com/gorhill/cronexpr) succeeds, so this module re-implements that parser's acceptance rules
// instead of a generic cron grammar. Its quirks matter: 6 fields mean a trailing *year* (not leading
// seconds), steps are capped by the field maximum (`*/7` is invalid for day-of-week), `?` is accepted in
// every field, there is no `@every` or `@midnight`, and fields after the 7th are silently ignored.

import { goToLower } from '../go/strings';

/** The fields cronexpr knows, named as in its own error messages. */
type CronFieldName = 'second' | 'minute' | 'hour' | 'day-of-month' | 'month' | 'day-of-week' | 'year';

interface CronField {
  readonly name: CronFieldName;
  /** cronexpr's `valuePattern` for one value, matched against the lower-cased entry. */
  readonly valuePattern: string;
  /** cronexpr's descriptor `max`, which is also the largest step it accepts. */
  readonly maxStep: number;
  /** What a value may be, for error messages. */
  readonly allowedValues: string;
  /** Numeric value of a token that matched `valuePattern`, for range warnings. */
  readonly toNumber: (token: string) => number;
}

const MONTH_NAMES = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH_LONG_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];
const DAY_NAMES = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_LONG_NAMES = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function nameIndex(token: string, short: readonly string[], long: readonly string[]): number {
  const index = short.indexOf(token);
  return index >= 0 ? index : long.indexOf(token);
}

const SECOND: CronField = {
  name: 'second',
  valuePattern: '0?[0-9]|[1-5][0-9]',
  maxStep: 59,
  allowedValues: '0-59',
  toNumber: Number,
};
const MINUTE: CronField = { ...SECOND, name: 'minute' };
const HOUR: CronField = {
  name: 'hour',
  valuePattern: '0?[0-9]|1[0-9]|2[0-3]',
  maxStep: 23,
  allowedValues: '0-23',
  toNumber: Number,
};
const DAY_OF_MONTH: CronField = {
  name: 'day-of-month',
  valuePattern: '0?[1-9]|[12][0-9]|3[01]',
  maxStep: 31,
  allowedValues: '1-31, L (last day of the month), LW (last weekday of the month), nW (weekday nearest day n)',
  toNumber: Number,
};
const MONTH: CronField = {
  name: 'month',
  valuePattern: `0?[1-9]|1[012]|${MONTH_NAMES.join('|')}|${MONTH_LONG_NAMES.join('|')}`,
  maxStep: 12,
  allowedValues: '1-12 or JAN-DEC',
  toNumber: (token) => (/^\d/.test(token) ? Number(token) : nameIndex(token, MONTH_NAMES, MONTH_LONG_NAMES) + 1),
};
const DAY_OF_WEEK: CronField = {
  name: 'day-of-week',
  valuePattern: `0?[0-7]|${DAY_NAMES.join('|')}|${DAY_LONG_NAMES.join('|')}`,
  // cronexpr's descriptor max is 6 even though 7 is accepted as a value (Sunday), so `*/7` is rejected.
  maxStep: 6,
  allowedValues:
    '0-7 or SUN-SAT (0 and 7 are Sunday), nL (last day n of the month), n#k (k-th day n of the month, k 1-5)',
  toNumber: (token) => (/^\d/.test(token) ? Number(token) : nameIndex(token, DAY_NAMES, DAY_LONG_NAMES)),
};
const YEAR: CronField = {
  name: 'year',
  valuePattern: '19[789][0-9]|20[0-9]{2}',
  maxStep: 2099,
  allowedValues: '1970-2099',
  toNumber: Number,
};

/** Field order for 5, 6 and 7 fields, as `cronexpr.Parse` assigns them. */
const LAYOUTS: Readonly<Record<5 | 6 | 7, readonly CronField[]>> = {
  5: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK],
  6: [MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
  7: [SECOND, MINUTE, HOUR, DAY_OF_MONTH, MONTH, DAY_OF_WEEK, YEAR],
};

/** cronexpr's `cronNormalizer`: a case-sensitive substring replacement applied before splitting fields. */
const MACROS: Readonly<Record<string, string>> = {
  '@yearly': '0 0 0 1 1 * *',
  '@annually': '0 0 0 1 1 * *',
  '@monthly': '0 0 0 1 * * *',
  '@weekly': '0 0 0 * * 0 *',
  '@daily': '0 0 0 * * * *',
  '@hourly': '0 0 * * * * *',
};
const MACRO_PATTERN = /@(?:yearly|annually|monthly|weekly|daily|hourly)/g;

/** Go's `\S+`: RE2's `\s` is only ASCII `[\t\n\f\r ]` (no vertical tab, no Unicode spaces). */
const FIELD_PATTERN = /[^\t\n\f\r ]+/g;
/** Go's `[^,]+`: empty entries between commas are skipped, not rejected. */
const ENTRY_PATTERN = /[^,]+/g;

/**
 * cronexpr's `numberTokens`, which it uses to read steps: a step outside this table reads as 0 and is
 * rejected, so `*\/007` or `*\/60` are invalid while `*\/05` is fine.
 */
const STEP_TOKENS: ReadonlyMap<string, number> = (() => {
  const tokens = new Map<string, number>();
  for (let value = 0; value <= 59; value++) {
    tokens.set(String(value), value);
  }
  for (let value = 0; value <= 9; value++) {
    tokens.set(`0${value}`, value);
  }
  for (let value = 1970; value <= 2099; value++) {
    tokens.set(String(value), value);
  }
  return tokens;
})();

const FIELD_COUNT_HELP =
  'expected 5 fields (minute hour day-of-month month day-of-week), 6 (the same plus year) or ' +
  '7 (second minute hour day-of-month month day-of-week year)';
const MACRO_HELP =
  'the predefined schedules are @yearly, @annually, @monthly, @weekly, @daily and @hourly ' +
  "(Nomad's cron parser has no @every, @midnight or @reboot)";
const SIX_FIELD_HINT =
  '6 fields are read as minute hour day-of-month month day-of-week year; to give seconds, use 7 fields ' +
  '(second minute hour day-of-month month day-of-week year)';

type Entry =
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'value' }
  | { readonly kind: 'range'; readonly first: string; readonly last: string }
  | { readonly kind: 'step'; readonly step: string }
  | { readonly kind: 'special' };

interface CronAnalysis {
  readonly error?: string;
  readonly warnings: readonly string[];
}

/**
 * Checks a cron spec for Nomad's `periodic` block (`cron` or each of `crons`) against the grammar of
 * `github.com/hashicorp/cronexpr`, the parser Nomad uses when it registers the job.
 *
 * Accepted forms:
 * - 5 fields: `minute hour day-of-month month day-of-week`;
 * - 6 fields: the same plus a trailing `year` (1970-2099). Not seconds: `"*\/15 * * * * *"` means every 15 minutes;
 * - 7 fields: `second minute hour day-of-month month day-of-week year`;
 * - the macros `@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily` and `@hourly` (lower case).
 *
 * Each field is a comma-separated list of `*` or `?`, a value, a range `a-b`, or a step `*\/n`, `a/n`, `a-b/n`
 * (n from 1 to the field maximum: 59, 23, 31, 12, 6 or 2099). Months accept `JAN`-`DEC` and full names; days of
 * week accept `0`-`7` (0 and 7 are Sunday) and `SUN`-`SAT` and full names, all case-insensitive. Day-of-month also
 * takes `L`, `LW` and `nW`; day-of-week also takes `nL` and `n#k` (k 1-5).
 *
 * Like cronexpr, this accepts some specs that are probably mistakes (fields after the 7th are ignored, a range
 * such as `30-10` matches nothing); {@link cronWarnings} reports those.
 *
 * @param spec - the cron spec, e.g. `"0 12 * * *"`, `"*\/5 * * * * * *"` or `"@daily"`.
 * @returns `undefined` if Nomad accepts the spec, otherwise a message that quotes the spec, names the wrong field
 *   and says what it allows.
 * @see https://developer.hashicorp.com/nomad/docs/job-specification/periodic
 */
export function validateCron(spec: string): string | undefined {
  return analyzeCron(spec).error;
}

/**
 * Likely mistakes in a cron spec that Nomad nevertheless accepts: fields after the 7th (ignored), ranges that
 * match nothing (`30-10`), invalid list entries after a `*` (ignored), empty list entries, and day-of-week
 * ranges ending on Sunday (`5-7`, `FRI-SUN`), which older cronexpr releases read without Sunday.
 *
 * Meant for warning annotations next to {@link validateCron}, which decides validity.
 *
 * @param spec - the cron spec.
 * @returns one message per finding; empty when there is nothing to report or the spec is invalid.
 */
export function cronWarnings(spec: string): string[] {
  const analysis = analyzeCron(spec);
  return analysis.error === undefined ? [...analysis.warnings] : [];
}

function analyzeCron(spec: string): CronAnalysis {
  if (typeof spec !== 'string') {
    return {
      error: `Invalid cron spec: expected a string, received ${spec === null ? 'null' : typeof spec}`,
      warnings: [],
    };
  }
  const quoted = JSON.stringify(spec);
  const expanded = spec.replace(MACRO_PATTERN, (macro) => MACROS[macro] ?? macro);
  const fields = expanded.match(FIELD_PATTERN) ?? [];
  if (fields.length < 5) {
    const received = fields.length === 0 ? 'an empty spec' : `${fields.length}`;
    const macroHint = spec.includes('@') ? `; ${MACRO_HELP}` : '';
    return {
      error: `Invalid cron spec ${quoted}: ${FIELD_COUNT_HELP}, received ${received}${macroHint}`,
      warnings: [],
    };
  }

  const warnings: string[] = [];
  if (fields.length > 7) {
    warnings.push(
      `Cron spec ${quoted}: Nomad ignores everything after the 7th field (${JSON.stringify(fields.slice(7).join(' '))})`,
    );
  }
  const used = fields.slice(0, 7);
  const layout = LAYOUTS[used.length as 5 | 6 | 7];
  for (const [position, field] of layout.entries()) {
    const text = used[position] ?? '';
    const problem = checkField(text, field, warnings, quoted);
    if (problem !== undefined) {
      const where = `${field.name} field (field ${position + 1} of ${used.length})`;
      const hint = used.length === 6 ? `. Note: ${SIX_FIELD_HINT}` : '';
      return { error: `Invalid cron spec ${quoted}: ${where} ${problem}${hint}`, warnings: [] };
    }
  }
  return { warnings };
}

/** Returns a problem description for the field, or `undefined` if cronexpr accepts it. */
function checkField(text: string, field: CronField, warnings: string[], quoted: string): string | undefined {
  const rawEntries = text.match(ENTRY_PATTERN) ?? [];
  if (rawEntries.length === 0) {
    return `${JSON.stringify(text)} has no values; expected ${allowedText(field)}`;
  }
  if (rawEntries.length !== text.split(',').length) {
    warnings.push(
      `Cron spec ${quoted}: ${field.name} field ${JSON.stringify(text)} has empty list entries, which are ignored`,
    );
  }

  // cronexpr first classifies every entry and fails on a bad step anywhere in the field...
  const entries: { readonly raw: string; readonly entry: Entry | undefined }[] = [];
  for (const raw of rawEntries) {
    const lower = goToLower(raw);
    const entry = classifyEntry(lower, field);
    if (entry?.kind === 'step' && !isValidStep(entry.step, field)) {
      return `${describeEntry(text, raw)}: step ${JSON.stringify(entry.step)} is out of range; expected a step from 1 to ${displayMaxStep(field)}`;
    }
    entries.push({ raw, entry });
  }

  // ...then walks the entries in order. For every field except day-of-month and day-of-week, the first `*` or `?`
  // ends the walk, so later entries are never checked.
  const stopsAtWildcard = field !== DAY_OF_MONTH && field !== DAY_OF_WEEK;
  for (const [index, { raw, entry }] of entries.entries()) {
    if (entry === undefined) {
      return `${describeEntry(text, raw)} is not valid; expected ${allowedText(field)}`;
    }
    if (entry.kind === 'wildcard' && stopsAtWildcard) {
      const ignored = entries.slice(index + 1).filter((later) => later.entry === undefined);
      if (ignored.length > 0) {
        const names = ignored.map((later) => JSON.stringify(later.raw)).join(', ');
        warnings.push(
          `Cron spec ${quoted}: ${field.name} field ${JSON.stringify(text)} has invalid entries (${names}) ` +
            `that Nomad ignores only because "${raw}" comes first`,
        );
      }
      break;
    }
    if (entry.kind === 'range') {
      warnRange(entry, raw, field, warnings, quoted);
    }
  }
  return undefined;
}

/**
 * Classifies one lower-cased entry the way cronexpr's `genericFieldParse` and the day field handlers do.
 * Returns `undefined` for an entry cronexpr rejects with a syntax error.
 */
function classifyEntry(entry: string, field: CronField): Entry | undefined {
  const patterns = patternsFor(field);
  if (entry === '*' || entry === '?') {
    return { kind: 'wildcard' };
  }
  if (patterns.value.test(entry)) {
    return { kind: 'value' };
  }
  const range = patterns.range.exec(entry);
  if (range) {
    return { kind: 'range', first: range[1] ?? '', last: range[2] ?? '' };
  }
  const wildcardStep = /^\*\/(\d+)$/.exec(entry);
  if (wildcardStep) {
    return { kind: 'step', step: wildcardStep[1] ?? '' };
  }
  const valueStep = patterns.valueStep.exec(entry);
  if (valueStep) {
    return { kind: 'step', step: valueStep[2] ?? '' };
  }
  const rangeStep = patterns.rangeStep.exec(entry);
  if (rangeStep) {
    // A stepped range with a valid step is still a range, for the "matches nothing" warning.
    const step = rangeStep[3] ?? '';
    return isValidStep(step, field)
      ? { kind: 'range', first: rangeStep[1] ?? '', last: rangeStep[2] ?? '' }
      : { kind: 'step', step };
  }
  if (field === DAY_OF_MONTH && (entry === 'l' || entry === 'lw' || patterns.valueSuffixW.test(entry))) {
    return { kind: 'special' };
  }
  if (field === DAY_OF_WEEK && (patterns.valueSuffixL.test(entry) || patterns.nthWeekday.test(entry))) {
    return { kind: 'special' };
  }
  return undefined;
}

interface FieldPatterns {
  readonly value: RegExp;
  readonly range: RegExp;
  readonly valueStep: RegExp;
  readonly rangeStep: RegExp;
  readonly valueSuffixW: RegExp;
  readonly valueSuffixL: RegExp;
  readonly nthWeekday: RegExp;
}

const PATTERN_CACHE = new Map<CronField, FieldPatterns>();

/** cronexpr's layout regexps (`layoutValue`, `layoutRange`, ...) with the field's value pattern substituted. */
function patternsFor(field: CronField): FieldPatterns {
  let patterns = PATTERN_CACHE.get(field);
  if (patterns === undefined) {
    const value = `(${field.valuePattern})`;
    patterns = {
      value: new RegExp(`^${value}$`),
      range: new RegExp(`^${value}-${value}$`),
      valueStep: new RegExp(`^${value}/(\\d+)$`),
      rangeStep: new RegExp(`^${value}-${value}/(\\d+)$`),
      valueSuffixW: new RegExp(`^${value}w$`),
      valueSuffixL: new RegExp(`^${value}l$`),
      nthWeekday: new RegExp(`^${value}#([1-5])$`),
    };
    PATTERN_CACHE.set(field, patterns);
  }
  return patterns;
}

function isValidStep(step: string, field: CronField): boolean {
  const value = STEP_TOKENS.get(step) ?? 0;
  return value >= 1 && value <= field.maxStep;
}

function warnRange(
  entry: { readonly first: string; readonly last: string },
  raw: string,
  field: CronField,
  warnings: string[],
  quoted: string,
): void {
  const first = field.toNumber(entry.first);
  const last = field.toNumber(entry.last);
  if (field === DAY_OF_WEEK) {
    const startsOnSunday = first === 0 || first === 7;
    const endsOnSunday = last === 0 || last === 7;
    if (endsOnSunday && !startsOnSunday) {
      warnings.push(
        `Cron spec ${quoted}: day-of-week range "${raw}" ends on Sunday, which cronexpr releases read differently ` +
          `(older ones leave Sunday out); list Sunday on its own instead, e.g. "${first}-6,0"`,
      );
      return;
    }
    // cronexpr reads a leading 7 as Sunday (0), so "7-1" is Sunday to Monday.
    if ((first === 7 ? 0 : first) > last) {
      warnings.push(`Cron spec ${quoted}: day-of-week range "${raw}" starts after it ends, so it matches no day`);
    }
    return;
  }
  if (first > last) {
    warnings.push(`Cron spec ${quoted}: ${field.name} range "${raw}" starts after it ends, so it matches nothing`);
  }
}

function describeEntry(fieldText: string, entry: string): string {
  return fieldText === entry
    ? JSON.stringify(fieldText)
    : `${JSON.stringify(fieldText)}: entry ${JSON.stringify(entry)}`;
}

function displayMaxStep(field: CronField): number {
  // The year field technically also takes steps 1970-2099 (a cronexpr quirk); 59 is the useful bound to suggest.
  return Math.min(field.maxStep, 59);
}

function allowedText(field: CronField): string {
  return (
    `${field.allowedValues}, "*" or "?" for any value, a range a-b, a step */n, a/n or a-b/n ` +
    `(n from 1 to ${displayMaxStep(field)}), or a comma-separated list of these`
  );
}
