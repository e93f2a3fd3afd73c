import { GoDurationError, parseGoDuration } from '../../values/duration';
import { type Definition, define, rethrowUnexpected } from './call';
import { goQuote } from './values';

// ---------------------------------------------------------------------------
// Time: Go's time.Parse(time.RFC3339, ...) and Time.Format

interface GoTime {
  /** Nanoseconds since the Unix epoch. */
  readonly ns: bigint;
  /** Offset from UTC, in seconds. */
  readonly offset: number;
}

function isLeap(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
export function daysFromCivil(y0: number, m: number, d: number): number {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z0: number): { year: number; month: number; day: number } {
  const z = z0 + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

interface TimeFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

function timeFields(t: GoTime): TimeFields {
  const local = t.ns + BigInt(t.offset) * 1_000_000_000n;
  let secs = local / 1_000_000_000n;
  if (local < 0n && local % 1_000_000_000n !== 0n) secs -= 1n;
  const s = Number(secs);
  const days = Math.floor(s / 86400);
  const sod = s - days * 86400;
  return {
    ...civilFromDays(days),
    hour: Math.floor(sod / 3600),
    minute: Math.floor((sod % 3600) / 60),
    second: sod % 60,
    weekday: (((days + 4) % 7) + 7) % 7,
  };
}

function pad(n: number, width: number): string {
  return n < 0 ? `-${String(-n).padStart(width, '0')}` : String(n).padStart(width, '0');
}

/** Time.Format("-0700") and Time.Format("-07:00"). */
function zoneOffset(t: GoTime, colon: boolean): string {
  const sign = t.offset < 0 ? '-' : '+';
  const abs = Math.abs(t.offset);
  return `${sign}${pad(Math.floor(abs / 3600), 2)}${colon ? ':' : ''}${pad(Math.floor((abs % 3600) / 60), 2)}`;
}

/** Time.Format(time.RFC3339). */
export function formatRfc3339(t: GoTime): string {
  const f = timeFields(t);
  const zone = t.offset === 0 ? 'Z' : zoneOffset(t, true);
  return `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}${zone}`;
}

class TimeParseError extends Error {
  constructor(
    readonly layoutElem: string,
    readonly valueElem: string,
    readonly detail: string,
  ) {
    super(detail);
  }
}

/** time.Parse with the RFC 3339 layout "2006-01-02T15:04:05Z07:00", including its error details. */
function goParseRfc3339(value0: string): GoTime {
  let value = value0;
  const digit = (s: string, i: number): boolean => i < s.length && s[i] !== undefined && /[0-9]/.test(s[i] as string);
  const getnum = (s: string, fixed: boolean): [number, string] | undefined => {
    if (!digit(s, 0)) return undefined;
    if (!digit(s, 1)) return fixed ? undefined : [Number(s[0]), s.slice(1)];
    return [Number(s.slice(0, 2)), s.slice(2)];
  };
  const literal = (prefix: string): void => {
    for (const ch of prefix) {
      if (value === '' || value[0] !== ch) throw new TimeParseError(prefix, value, '');
      value = value.slice(1);
    }
  };
  const num = (layoutElem: string, fixed: boolean, max: number, what: string): number => {
    const r = getnum(value, fixed);
    if (r === undefined) throw new TimeParseError(layoutElem, value, '');
    value = r[1];
    if (r[0] > max) throw new TimeParseError(layoutElem, value, `: ${what} out of range`);
    return r[0];
  };
  if (value.length < 4 || !digit(value, 0)) throw new TimeParseError('2006', value, '');
  const yearText = value.slice(0, 4);
  value = value.slice(4);
  if (!/^[+-]?\d+$/.test(yearText)) throw new TimeParseError('2006', value, '');
  const year = Number(yearText);
  literal('-');
  const month = num('01', true, 12, 'month');
  if (month < 1) throw new TimeParseError('01', value, ': month out of range');
  literal('-');
  const day = num('02', true, 99, 'day');
  literal('T');
  const hour = num('15', false, 23, 'hour');
  literal(':');
  const minute = num('04', true, 59, 'minute');
  literal(':');
  const second = num('05', true, 59, 'second');
  let nanos = 0;
  if (value.length >= 2 && (value[0] === '.' || value[0] === ',') && digit(value, 1)) {
    let n = 2;
    while (digit(value, n)) n++;
    nanos = Number(value.slice(1, Math.min(n, 10)).padEnd(9, '0'));
    value = value.slice(n);
  }
  let offset = 0;
  if (value.startsWith('Z')) {
    value = value.slice(1);
  } else {
    if (value.length < 6 || value[3] !== ':') throw new TimeParseError('Z07:00', value, '');
    const sign = value[0];
    const hh = getnum(value.slice(1, 3), true);
    const mm = getnum(value.slice(4, 6), true);
    value = value.slice(6);
    if (hh === undefined || mm === undefined || (sign !== '+' && sign !== '-')) {
      throw new TimeParseError('Z07:00', value, '');
    }
    if (hh[0] > 24) throw new TimeParseError('Z07:00', value, ': time zone offset hour out of range');
    if (mm[0] > 60) throw new TimeParseError('Z07:00', value, ': time zone offset minute out of range');
    offset = (hh[0] * 60 + mm[0]) * 60 * (sign === '-' ? -1 : 1);
  }
  if (value !== '') throw new TimeParseError('', value, `: extra text: ${goQuote(value)}`);
  if (day < 1 || day > daysIn(month, year)) throw new TimeParseError('', '', ': day out of range');
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return { ns: BigInt(secs) * 1_000_000_000n + BigInt(nanos), offset };
}

/** cty's parseTimestamp, with its friendlier wording of Go's parse errors. */
function parseTimestamp(ts: string): GoTime {
  try {
    return goParseRfc3339(ts);
  } catch (e) {
    if (!(e instanceof TimeParseError)) throw e;
    if (e.layoutElem === '' && e.valueElem === '' && e.detail !== '') {
      throw new Error(`not a valid RFC3339 timestamp${e.detail}`);
    }
    const names: Record<string, string> = {
      '2006': 'year',
      '01': 'month',
      '02': 'day of month',
      '15': 'hour',
      '04': 'minute',
      '05': 'second',
      'Z07:00': 'UTC offset',
    };
    if (e.layoutElem === 'T') throw new Error("not a valid RFC3339 timestamp: missing required time introducer 'T'");
    if (e.layoutElem === ':' || e.layoutElem === '-') {
      throw new Error(
        e.valueElem === ''
          ? `not a valid RFC3339 timestamp: end of string where ${goQuote(e.layoutElem)} is expected`
          : `not a valid RFC3339 timestamp: found ${goQuote(e.valueElem)} where ${goQuote(e.layoutElem)} is expected`,
      );
    }
    const what = names[e.layoutElem] ?? 'timestamp segment';
    throw new Error(
      e.valueElem === ''
        ? `not a valid RFC3339 timestamp: end of string before ${what}`
        : `not a valid RFC3339 timestamp: cannot use ${goQuote(e.valueElem)} as ${what}`,
    );
  }
}

/** time.ParseDuration in nanoseconds, failing with Go's own message as cty's timeadd shows it. */
function parseDuration(text: string): bigint {
  try {
    return parseGoDuration(text);
  } catch (e) {
    if (!(e instanceof GoDurationError)) throw e;
    if (e.kind === 'missing-unit') throw new Error(`time: missing unit in duration ${goQuote(text)}`);
    if (e.kind === 'unknown-unit') {
      throw new Error(`time: unknown unit ${goQuote(e.unit ?? '')} in duration ${goQuote(text)}`);
    }
    throw new Error(`time: invalid duration ${goQuote(text)}`);
  }
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** cty's splitDateFormat: quoted literals, runs of one letter, and other text. */
function dateFormatTokens(format: string): string[] {
  const tokens: string[] = [];
  const isLetter = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z]/.test(ch);
  let i = 0;
  while (i < format.length) {
    const ch = format[i] as string;
    let end = i + 1;
    if (ch === "'") {
      if (format[i + 1] === "'") end = i + 2;
      else {
        end = format.length;
        for (let j = i + 1; j < format.length; j++) {
          if (format[j] !== "'") continue;
          if (format[j + 1] === "'") {
            j++;
            continue;
          }
          end = j + 1;
          break;
        }
      }
    } else if (isLetter(ch)) {
      while (format[end] === ch) end++;
    } else {
      while (end < format.length && format[end] !== "'" && !isLetter(format[end])) end++;
    }
    tokens.push(format.slice(i, end));
    i = end;
  }
  return tokens;
}

/** cty's formatdate mnemonics. */
function formatDate(format: string, t: GoTime): string {
  const f = timeFields(t);
  let out = '';
  for (const tok of dateFormatTokens(format)) {
    const first = tok[0] as string;
    const n = tok.length;
    const bad = (why: string): never => {
      throw new Error(`invalid date format verb ${goQuote(tok)}: ${why}`);
    };
    if (first === "'") {
      if (n === 1 || !tok.endsWith("'")) throw new Error("unterminated literal '");
      if (n === 2) out += "'";
      else {
        const raw = tok.slice(1, -1);
        for (let i = 0; i < raw.length; i++) {
          out += raw[i];
          if (raw[i] === "'") i++;
        }
      }
      continue;
    }
    if (!/[A-Za-z]/.test(first)) {
      out += tok;
      continue;
    }
    switch (first) {
      case 'Y':
        if (n === 2) out += pad(((f.year % 100) + 100) % 100, 2);
        else if (n === 4) out += pad(f.year, 4);
        else bad('year must either be "YY" or "YYYY"');
        break;
      case 'M':
        if (n === 1) out += String(f.month);
        else if (n === 2) out += pad(f.month, 2);
        else if (n === 3) out += (MONTHS[f.month - 1] as string).slice(0, 3);
        else if (n === 4) out += MONTHS[f.month - 1];
        else bad('month must be "M", "MM", "MMM", or "MMMM"');
        break;
      case 'D':
        if (n === 1) out += String(f.day);
        else if (n === 2) out += pad(f.day, 2);
        else bad('day of month must either be "D" or "DD"');
        break;
      case 'E':
        if (n === 3) out += (WEEKDAYS[f.weekday] as string).slice(0, 3);
        else if (n === 4) out += WEEKDAYS[f.weekday];
        else bad('day of week must either be "EEE" or "EEEE"');
        break;
      case 'h':
        if (n === 1) out += String(f.hour);
        else if (n === 2) out += pad(f.hour, 2);
        else bad('24-hour must either be "h" or "hh"');
        break;
      case 'H': {
        const h = f.hour % 12 === 0 ? 12 : f.hour % 12;
        if (n === 1) out += String(h);
        else if (n === 2) out += pad(h, 2);
        else bad('12-hour must either be "H" or "HH"');
        break;
      }
      case 'A':
      case 'a': {
        if (n !== 2) bad(`must be "${first}${first}"`);
        const pm = f.hour >= 12;
        const marker = pm ? 'PM' : 'AM';
        out += first === 'A' ? marker : marker.toLowerCase();
        break;
      }
      case 'm':
        if (n === 1) out += String(f.minute);
        else if (n === 2) out += pad(f.minute, 2);
        else bad('minute must either be "m" or "mm"');
        break;
      case 's':
        if (n === 1) out += String(f.second);
        else if (n === 2) out += pad(f.second, 2);
        else bad('second must either be "s" or "ss"');
        break;
      case 'Z':
        if (n === 1) out += t.offset === 0 ? 'Z' : zoneOffset(t, true);
        else if (n === 3) out += t.offset === 0 ? 'UTC' : zoneOffset(t, false);
        else if (n === 4) out += zoneOffset(t, false);
        else if (n === 5) out += zoneOffset(t, true);
        else bad('timezone must be Z, ZZZZ, or ZZZZZ');
        break;
      default:
        throw new Error(`invalid date format verb ${goQuote(tok)}`);
    }
  }
  return out;
}

/** Date and time functions (cty stdlib datetime.go). */
export const DATETIME_FUNCTIONS: Readonly<Record<string, Definition>> = {
  formatdate: define('format, time', (c) => {
    const format = c.str(0);
    let t: GoTime;
    try {
      t = parseTimestamp(c.str(1));
    } catch (e) {
      rethrowUnexpected(e);
      return c.argFail(1, (e as Error).message);
    }
    try {
      return formatDate(format, t);
    } catch (e) {
      rethrowUnexpected(e);
      return c.argFail(0, (e as Error).message);
    }
  }),
  timeadd: define('timestamp, duration', (c) => {
    try {
      const t = parseTimestamp(c.str(0));
      const d = parseDuration(c.str(1));
      return formatRfc3339({ ns: t.ns + d, offset: t.offset });
    } catch (e) {
      rethrowUnexpected(e);
      return c.fail((e as Error).message);
    }
  }),
};
