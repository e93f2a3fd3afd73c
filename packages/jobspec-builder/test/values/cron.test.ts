import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cronWarnings, validateCron } from '../../src/values';
import { sharedPath } from '../support/shared';

/** Specs `cronexpr.Parse` accepts, so Nomad registers them. */
const VALID_SPECS: readonly (readonly [string, string])[] = [
  // corpus: /work/shared/conformance/jobspecs
  ['0/3 * * * * * *', 'corpus: every 3 seconds, 7 fields'],
  ['13 13 31 1 7', 'corpus: 7 is Sunday'],
  ['0 12 * * *', 'corpus: daily at noon'],
  // Nomad documentation and community jobspecs
  ['*/15 * * * * *', 'docs: 6 fields, the last one is the year'],
  ['0 0 * * * *', '6 fields: midnight in any year'],
  ['*/5 * * * * * ?', '7 fields with "?" as the year'],
  ['* * * * *', 'every minute'],
  ['*/5 * * * *', 'every 5 minutes'],
  ['0 * * * * *', '6 fields'],
  ['* * * * * * *', 'every second'],
  ['0 0 0 1 1 * 2030', '7 fields with a year'],
  ['0 0 * * * 1970-2099', 'year range'],
  ['0 0 * * * */2', 'year step'],
  // macros
  ['@yearly', 'macro'],
  ['@annually', 'macro'],
  ['@monthly', 'macro'],
  ['@weekly', 'macro'],
  ['@daily', 'macro'],
  ['@hourly', 'macro'],
  // values, ranges, steps and lists
  ['17-43/5 * * * *', 'stepped range'],
  ['15-30/4,55 * * * *', 'list with a stepped range'],
  ['5/15 * * * *', 'value with a step'],
  ['00 09 * * *', 'zero-padded values'],
  ['*/59 */23 */31 */12 */6', 'largest step of every field'],
  ['*/05 * * * *', 'zero-padded step'],
  ['0 0 * 04 * *', 'zero-padded month (cronexpr test)'],
  ['59 23 31 12 6', 'largest values'],
  ['? ? ? ? ?', '"?" is a wildcard in every field'],
  ['1,,2 * * * *', 'empty list entries are skipped'],
  ['*,foo * * * *', 'entries after "*" are never read'],
  ['30-10 * * * *', 'an inverted range parses (and matches nothing)'],
  // names, case-insensitive
  ['0 0 * JAN-MAR MON-FRI', 'short names'],
  ['0 0 * january,December monday', 'long names in any case'],
  ['0 0 * * sun,SAT', 'day names'],
  ['0 0 * * 0-7', '0 and 7 are Sunday'],
  ['0 0 * * 5-7', 'range ending on Sunday'],
  ['0 0 * * fri-sun', 'name range ending on Sunday'],
  ['0 0 * * 7-1', 'range starting on Sunday as 7'],
  // special characters
  ['0 0 L * *', 'last day of the month'],
  ['0 0 LW * *', 'last weekday of the month'],
  ['0 0 14W * *', 'weekday nearest the 14th'],
  ['0 0 1,L * *', 'L in a list'],
  ['0 0 * * 5L', 'last Friday'],
  ['0 0 * * fril', 'last Friday by name'],
  ['0 0 * * 6#5', 'fifth Saturday (cronexpr test)'],
  ['0 0 * * mon#1', 'first Monday by name'],
  // whitespace and extra fields
  ['  0   12 * *\t*  ', 'runs of spaces and tabs separate fields'],
  ['* * * * * * * ignored', 'fields after the 7th are ignored'],
];

/** Specs `cronexpr.Parse` rejects, with the part of the message that must name the problem. */
const INVALID_SPECS: readonly (readonly [string, string])[] = [
  ['', 'received an empty spec'],
  ['*/5 * * *', 'received 4'],
  ['@midnight', 'no @every, @midnight or @reboot'],
  ['@every 5m', 'no @every, @midnight or @reboot'],
  ['@reboot', 'no @every, @midnight or @reboot'],
  ['@Daily', 'received 1'],
  ['60 * * * *', 'minute field (field 1 of 5) "60" is not valid; expected 0-59'],
  ['* 24 * * *', 'hour field (field 2 of 5) "24" is not valid; expected 0-23'],
  ['* * 0 * *', 'day-of-month field (field 3 of 5) "0" is not valid; expected 1-31'],
  ['* * 32 * *', 'day-of-month field'],
  ['* * * 13 *', 'month field (field 4 of 5) "13" is not valid; expected 1-12 or JAN-DEC'],
  ['* * * * 8', 'day-of-week field (field 5 of 5) "8" is not valid; expected 0-7 or SUN-SAT'],
  ['60 * * * * * *', 'second field (field 1 of 7) "60"'],
  ['* * * * * 1969', 'year field (field 6 of 6) "1969" is not valid; expected 1970-2099'],
  ['* * * * * 2100', 'year field'],
  ['*/0 * * * *', 'minute field (field 1 of 5) "*/0": step "0" is out of range; expected a step from 1 to 59'],
  ['*/60 * * * *', 'step "60" is out of range'],
  ['*/007 * * * *', 'step "007" is out of range'],
  ['* */24 * * *', 'expected a step from 1 to 23'],
  ['* * * * */7', 'day-of-week field (field 5 of 5) "*/7": step "7" is out of range; expected a step from 1 to 6'],
  ['1-5/0 * * * *', 'step "0" is out of range'],
  ['foo,* * * * *', 'minute field (field 1 of 5) "foo,*": entry "foo" is not valid'],
  ['1,60 * * * *', 'entry "60" is not valid'],
  [', * * * *', 'minute field (field 1 of 5) "," has no values'],
  ['1-2-3 * * * *', 'minute field'],
  ['1.5 * * * *', 'minute field'],
  ['-1 * * * *', 'minute field'],
  ['5..20 * * * *', 'minute field'],
  ['* L * * *', 'hour field (field 2 of 5) "L" is not valid' /* L belongs to day-of-month only */],
  ['* * * * L', 'day-of-week field (field 5 of 5) "L" is not valid'],
  ['* * 5L * *', 'day-of-month field'],
  ['* * 1-5W * *', 'day-of-month field'],
  ['* * * * 5#6', 'day-of-week field (field 5 of 5) "5#6" is not valid'],
  ['* * * * 5#0', 'day-of-week field'],
  ['* * * * 1W', 'day-of-week field'],
  ['* * *,foo * *', 'entry "foo" is not valid' /* day-of-month reads every entry, even after "*" */],
  ['* * * * *,8', 'day-of-week field'],
  ['* * * JANUARI *', 'month field'],
  ['0 30 8 * * MON', '6 fields are read as minute hour day-of-month month day-of-week year'],
  ['0\u00a00 * * * *', 'minute field' /* Go splits fields on ASCII whitespace only */],
];

describe('validateCron', () => {
  it.each(VALID_SPECS)('accepts %j (%s)', (spec) => {
    expect(validateCron(spec)).toBeUndefined();
  });

  it.each(INVALID_SPECS)('rejects %j', (spec, message) => {
    const error = validateCron(spec);
    expect(error).toContain(`Invalid cron spec ${JSON.stringify(spec)}`);
    expect(error).toContain(message);
  });

  it('rejects a spec with too few fields, listing the forms and the macros', () => {
    expect(validateCron('@every 1h')).toMatchInlineSnapshot(
      `"Invalid cron spec "@every 1h": expected 5 fields (minute hour day-of-month month day-of-week), 6 (the same plus year) or 7 (second minute hour day-of-month month day-of-week year), received 2; the predefined schedules are @yearly, @annually, @monthly, @weekly, @daily and @hourly (Nomad's cron parser has no @every, @midnight or @reboot)"`,
    );
  });

  it('rejects a bad value naming the field, its position and what it allows', () => {
    expect(validateCron('0 0 * * MON-FRI,8')).toMatchInlineSnapshot(
      `"Invalid cron spec "0 0 * * MON-FRI,8": day-of-week field (field 5 of 5) "MON-FRI,8": entry "8" is not valid; expected 0-7 or SUN-SAT (0 and 7 are Sunday), nL (last day n of the month), n#k (k-th day n of the month, k 1-5), "*" or "?" for any value, a range a-b, a step */n, a/n or a-b/n (n from 1 to 6), or a comma-separated list of these"`,
    );
  });

  it('rejects a seconds-first 6-field spec with a hint that 6 fields end with the year', () => {
    expect(validateCron('0 30 8 * * *')).toMatchInlineSnapshot(
      `"Invalid cron spec "0 30 8 * * *": hour field (field 2 of 6) "30" is not valid; expected 0-23, "*" or "?" for any value, a range a-b, a step */n, a/n or a-b/n (n from 1 to 23), or a comma-separated list of these. Note: 6 fields are read as minute hour day-of-month month day-of-week year; to give seconds, use 7 fields (second minute hour day-of-month month day-of-week year)"`,
    );
  });

  it('rejects a non-string at runtime', () => {
    expect(validateCron(5 as unknown as string)).toBe('Invalid cron spec: expected a string, received number');
  });

  it('rejects the 4-field spec of the periodic-cron parser pair, which Nomad parses but will not register', () => {
    // pairs/periodic-cron.hcl checks the HCL parser only; cronexpr.Parse fails with "missing field(s)".
    expect(validateCron('*/5 * * *')).toContain('received 4');
  });

  it('accepts every cron spec in the conformance jobspecs', () => {
    const dir = sharedPath('conformance/jobspecs');
    const specs = readdirSync(dir).flatMap((file) =>
      [...readFileSync(join(dir, file), 'utf8').matchAll(/^\s*cron\s*=\s*"([^"]*)"/gm)].map((match) => match[1] ?? ''),
    );
    expect(specs.length).toBeGreaterThan(0);
    for (const spec of specs) {
      expect(validateCron(spec), spec).toBeUndefined();
      expect(VALID_SPECS.map(([known]) => known)).toContain(spec);
    }
  });
});

describe('cronWarnings', () => {
  it('returns nothing for ordinary specs', () => {
    for (const spec of ['0 12 * * *', '*/15 * * * * *', '@daily', '0 0 * * MON-FRI', '0 0 * * 7-1', '0 0 * * 0-7']) {
      expect(cronWarnings(spec), spec).toEqual([]);
    }
  });

  it('returns nothing for invalid specs, which validateCron reports', () => {
    expect(cronWarnings('*/5 * * *')).toEqual([]);
  });

  it('warns about fields after the 7th, which Nomad ignores', () => {
    expect(cronWarnings('* * * * * * * 5 6')).toEqual([
      'Cron spec "* * * * * * * 5 6": Nomad ignores everything after the 7th field ("5 6")',
    ]);
  });

  it('warns about ranges that start after they end', () => {
    expect(cronWarnings('30-10 * * * *')).toEqual([
      'Cron spec "30-10 * * * *": minute range "30-10" starts after it ends, so it matches nothing',
    ]);
    expect(cronWarnings('0 0 * DEC-JAN *')).toEqual([
      'Cron spec "0 0 * DEC-JAN *": month range "DEC-JAN" starts after it ends, so it matches nothing',
    ]);
    expect(cronWarnings('0 0 * * 5-1/2')).toEqual([
      'Cron spec "0 0 * * 5-1/2": day-of-week range "5-1/2" starts after it ends, so it matches no day',
    ]);
  });

  it('warns about day-of-week ranges ending on Sunday, which cronexpr releases read differently', () => {
    expect(cronWarnings('0 0 * * FRI-SUN')).toEqual([
      'Cron spec "0 0 * * FRI-SUN": day-of-week range "FRI-SUN" ends on Sunday, which cronexpr releases read differently (older ones leave Sunday out); list Sunday on its own instead, e.g. "5-6,0"',
    ]);
    expect(cronWarnings('0 0 * * 5-7')).toHaveLength(1);
    expect(cronWarnings('0 0 * * 6-0')).toHaveLength(1);
  });

  it('warns about invalid entries hidden behind a wildcard, and empty list entries', () => {
    expect(cronWarnings('*,foo,1 * * * *')).toEqual([
      'Cron spec "*,foo,1 * * * *": minute field "*,foo,1" has invalid entries ("foo") that Nomad ignores only because "*" comes first',
    ]);
    expect(cronWarnings('1,,2 * * * *')).toEqual([
      'Cron spec "1,,2 * * * *": minute field "1,,2" has empty list entries, which are ignored',
    ]);
  });
});
