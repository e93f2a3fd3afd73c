import { codePoints, goToLower, isAscii, mapRune, utf8Length } from '../../go/strings';
import { MAX_FUNCTION_STRING } from '../../limits';
import { checkElementCount, checkStringLength, HclLimitError } from './budget';
import { type Call, type Definition, define, rethrowUnexpected } from './call';
import { goJsonString, jsonEncode } from './json';
import { floatText } from './number-text';
import {
  goQuote,
  goQuoteRune,
  graphemes,
  type HclData,
  type HclList,
  isList,
  toBoolValue,
  toNumberValue,
  toStringValue,
} from './values';

// ---------------------------------------------------------------------------
// Unicode case mapping as Go's unicode package does it: one rune to one rune

/** The Latin digraphs whose title case differs from their upper case: DŽ/Dž/dž, LJ/Lj/lj, NJ/Nj/nj, DZ/Dz/dz. */
const TITLE_DIGRAPHS: ReadonlyMap<number, number> = new Map(
  [
    [452, 453],
    [455, 456],
    [458, 459],
    [497, 498],
  ].flatMap(([upper, title]) => [0, 1, 2].map((i) => [(upper as number) + i, title as number] as const)),
);

function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  return codePoints(s)
    .map((ch) => mapRune(ch, (x) => x.toUpperCase()))
    .join('');
}

function goToTitleRune(ch: string): string {
  const digraph = TITLE_DIGRAPHS.get(ch.codePointAt(0) ?? 0);
  return digraph === undefined ? mapRune(ch, (x) => x.toUpperCase()) : String.fromCodePoint(digraph);
}

/** strings.Title: upper-cases (title-cases) the first letter of each word. */
function goTitle(s: string): string {
  const isSeparator = (ch: string): boolean => {
    if (ch.length === 1 && ch.charCodeAt(0) <= 0x7f) return !/[0-9A-Za-z_]/.test(ch);
    if (/^[\p{L}\p{Nd}]$/u.test(ch)) return false;
    return isGoSpace(ch);
  };
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    out += isSeparator(prev) ? goToTitleRune(ch) : ch;
    prev = ch;
  }
  return out;
}

/** unicode.IsSpace. */
function isGoSpace(ch: string): boolean {
  const c = ch.codePointAt(0) ?? 0;
  if (c <= 0xff) return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0;
  return /^[\p{Zs}\p{Zl}\p{Zp}]$/u.test(ch);
}

function trimRunes(s: string, drop: (ch: string) => boolean): string {
  const cps = codePoints(s);
  let start = 0;
  let end = cps.length;
  while (start < end && drop(cps[start] as string)) start++;
  while (end > start && drop(cps[end - 1] as string)) end--;
  return cps.slice(start, end).join('');
}

/** strings.Replace(s, old, new, -1), which inserts at every rune boundary for an empty old. */
function goReplaceAll(s: string, old: string, replacement: string): string {
  if (old === '') {
    const runes = codePoints(s);
    checkStringLength(s.length + (runes.length + 1) * replacement.length, 'replace');
    return replacement + runes.join(replacement) + (s === '' ? '' : replacement);
  }
  const parts = s.split(old);
  checkStringLength(s.length + (parts.length - 1) * (replacement.length - old.length), 'replace');
  return parts.join(replacement);
}

// ---------------------------------------------------------------------------
// format and formatlist (cty's format_fsm.rl and format.go)

interface Verb {
  raw: string;
  offset: number;
  argNum: number;
  mode: string;
  zero: boolean;
  sharp: boolean;
  plus: boolean;
  minus: boolean;
  space: boolean;
  hasPrec: boolean;
  prec: number;
  hasWidth: boolean;
  width: number;
}

function padWidth(verb: Verb, text: string): string {
  if (!verb.hasWidth) return text;
  const given = graphemes(text).length;
  if (given >= verb.width) return text;
  const pads = (verb.zero ? '0' : ' ').repeat(verb.width - given);
  return verb.minus ? text + pads : pads + text;
}

/** Go's fmt of a *big.Int with flags, width and precision. */
function formatBigInt(verb: Verb, value: bigint): string {
  const base = { b: 2, o: 8, d: 10, x: 16, X: 16 }[verb.mode] ?? 10;
  let digits = (value < 0n ? -value : value).toString(base);
  if (verb.mode === 'X') digits = digits.toUpperCase();
  const sign = value < 0n ? '-' : verb.plus ? '+' : verb.space ? ' ' : '';
  const prefix = verb.sharp ? ({ b: '0b', o: '0', x: '0x', X: '0X' }[verb.mode] ?? '') : '';
  let zeros = 0;
  if (verb.hasPrec) {
    if (digits.length < verb.prec) zeros = verb.prec - digits.length;
    else if (digits === '0' && verb.prec === 0) return '';
  }
  const length = sign.length + prefix.length + zeros + digits.length;
  let left = 0;
  let right = 0;
  if (verb.hasWidth && length < verb.width) {
    const d = verb.width - length;
    if (verb.minus) right = d;
    else if (verb.zero && !verb.hasPrec) zeros = d;
    else left = d;
  }
  return ' '.repeat(left) + sign + prefix + '0'.repeat(zeros) + digits + ' '.repeat(right);
}

/** Go's fmt of a *big.Float with flags, width and precision. */
function formatBigFloat(verb: Verb, x: number): string {
  let prec = verb.hasPrec ? verb.prec : 6;
  if ((verb.mode === 'g' || verb.mode === 'G') && !verb.hasPrec) prec = -1;
  let buf = floatText(x, verb.mode, prec);
  let sign = '';
  if (buf.startsWith('-')) {
    sign = '-';
    buf = buf.slice(1);
  } else if (buf.startsWith('+')) {
    sign = verb.space ? ' ' : '+';
    buf = buf.slice(1);
  } else if (verb.plus) sign = '+';
  else if (verb.space) sign = ' ';
  const padding = verb.hasWidth && verb.width > sign.length + buf.length ? verb.width - sign.length - buf.length : 0;
  if (verb.zero && !verb.minus && Number.isFinite(x)) return sign + '0'.repeat(padding) + buf;
  if (verb.minus) return sign + buf + ' '.repeat(padding);
  return ' '.repeat(padding) + sign + buf;
}

function formatArg(verb: Verb, args: HclList): string {
  if (verb.argNum - 1 >= args.length) {
    throw new Error(
      `not enough arguments for ${goQuote(verb.raw)} at ${verb.offset}: need index ${verb.argNum} but have ${args.length} total`,
    );
  }
  const arg = args[verb.argNum - 1] as HclData;
  const unsupported = (why: string): never => {
    throw new Error(`unsupported value for ${goQuote(verb.raw)} at ${verb.offset}: ${why}`);
  };
  if (verb.mode !== 'v' && arg === null) unsupported('null value cannot be formatted');
  switch (verb.mode) {
    case 'v': {
      if (!verb.sharp && typeof arg === 'string') return padWidth(verb, arg);
      if (!verb.sharp && typeof arg === 'number') return padWidth(verb, floatText(arg, 'g', -1));
      let json = '';
      try {
        json = jsonEncode(arg);
      } catch (e) {
        unsupported((e as Error).message);
      }
      return padWidth(verb, json);
    }
    case 't': {
      const b = toBoolValue(arg);
      return b.ok ? String(b.value) : unsupported(b.error);
    }
    case 'b':
    case 'd':
    case 'o':
    case 'x':
    case 'X':
    case 'e':
    case 'E':
    case 'f':
    case 'g':
    case 'G': {
      const n = toNumberValue(arg);
      if (!n.ok) return unsupported(n.error);
      if ('bdoxX'.includes(verb.mode)) {
        if (!Number.isInteger(n.value)) unsupported('an integer is required');
        return formatBigInt(verb, BigInt(n.value));
      }
      return formatBigFloat(verb, n.value);
    }
    case 's':
    case 'q': {
      const s = toStringValue(arg);
      if (!s.ok) return unsupported(s.error);
      let str = s.value;
      if (verb.prec > 0) str = graphemes(str).slice(0, verb.prec).join('');
      return padWidth(verb, verb.mode === 'q' ? goJsonString(str) : str);
    }
    default:
      throw new Error(
        `unsupported format verb ${goQuoteRune(verb.mode)} in ${goQuote(verb.raw)} at offset ${verb.offset}`,
      );
  }
}

/** cty's formatFSM: printf-style formatting of cty values. */
function formatValues(format: string, args: HclList): string {
  let out = '';
  let nextArg = 1;
  let highest = 0;
  let p = 0;
  const n = format.length;
  const byteOffset = (at: number): number => utf8Length(format.slice(0, at));
  const errChar = (at: number): never => {
    const ch = String.fromCodePoint(format.codePointAt(at) ?? 0);
    throw new Error(`unrecognized format character ${goQuoteRune(ch)} at offset ${byteOffset(at)}`);
  };
  const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';
  while (p < n) {
    const ch = format[p];
    if (ch !== '%') {
      // The text up to the next verb at once, rather than a character at a time.
      let end = format.indexOf('%', p);
      if (end < 0) end = n;
      out += format.slice(p, end);
      p = end;
      continue;
    }
    if (format[p + 1] === '%') {
      out += '%';
      p += 2;
      continue;
    }
    const start = p++;
    const verb: Verb = {
      raw: '',
      offset: byteOffset(start),
      argNum: nextArg,
      mode: '',
      zero: false,
      sharp: false,
      plus: false,
      minus: false,
      space: false,
      hasPrec: false,
      prec: -1,
      hasWidth: false,
      width: -1,
    };
    for (; p < n && '0#-+ '.includes(format[p] as string); p++) {
      const flag = format[p];
      if (flag === '0') verb.zero = true;
      else if (flag === '#') verb.sharp = true;
      else if (flag === '-') verb.minus = true;
      else if (flag === '+') verb.plus = true;
      else verb.space = true;
    }
    if (isDigit(format[p])) {
      verb.hasWidth = true;
      verb.width = 0;
      for (; isDigit(format[p]); p++) verb.width = verb.width * 10 + Number(format[p]);
    }
    if (format[p] === '.') {
      p++;
      verb.hasPrec = true;
      verb.prec = 0;
      for (; isDigit(format[p]); p++) verb.prec = verb.prec * 10 + Number(format[p]);
    }
    // A width or precision is padding to build: bounded before it is built.
    if (verb.width > MAX_FUNCTION_STRING || verb.prec > MAX_FUNCTION_STRING) {
      throw new HclLimitError(
        `format: the width or precision in ${goQuote(format.slice(start, p + 1))} is more than the limit of ${MAX_FUNCTION_STRING} characters`,
      );
    }
    if (format[p] === '[') {
      p++;
      if (p < n && !(isDigit(format[p]) && format[p] !== '0')) errChar(p);
      verb.argNum = 0;
      for (; isDigit(format[p]); p++) verb.argNum = verb.argNum * 10 + Number(format[p]);
      if (p < n && format[p] !== ']') errChar(p);
      if (p < n) p++;
    }
    if (p >= n) throw new Error(`invalid format string starting at offset ${utf8Length(format)}`);
    if (!/[A-Za-z]/.test(format[p] as string)) errChar(p);
    verb.mode = format[p] as string;
    p++;
    verb.raw = format.slice(start, p);
    highest = Math.max(highest, verb.argNum);
    const text = formatArg(verb, args);
    checkStringLength(out.length + text.length, 'format');
    out += text;
    nextArg = verb.argNum + 1;
  }
  if (highest < args.length) {
    throw new Error(
      highest === 0
        ? 'too many arguments; no verbs in format string'
        : `too many arguments; only ${highest} used by format string`,
    );
  }
  return out;
}

function callFormat(c: Call, format: string, args: HclList): string {
  try {
    return formatValues(format, args);
  } catch (e) {
    rethrowUnexpected(e);
    return c.fail((e as Error).message);
  }
}

function substr(s: string, offset0: number, length: number): string {
  const clusters = graphemes(s);
  let offset = offset0;
  if (offset < 0) offset += clusters.length;
  else if (length === 0) return '';
  let start = 0;
  if (offset > 0) {
    if (offset > clusters.length) return '';
    start = offset;
  }
  // A zero length reaches here only after a negative offset, where cty's loop never stops early.
  if (length <= 0) return clusters.slice(start).join('');
  return clusters.slice(start, start + length).join('');
}

function stringReverse(c: Call): string {
  return graphemes(c.str(0)).reverse().join('');
}
/** String functions (cty stdlib string.go, string_replace.go, format.go). */
export const STRING_FUNCTIONS: Readonly<Record<string, Definition>> = {
  chomp: define('str', (c) => c.str(0).replace(/[\r\n]+$/, '')),
  format: define('format, args...', (c) => callFormat(c, c.str(0), c.args.slice(1)), { nullable: true }),
  formatlist: define(
    'format, args...',
    (c) => {
      const format = c.str(0);
      const args = c.args.slice(1);
      if (args.length === 0) return [callFormat(c, format, [])];
      let iterLen = -1;
      let chooser = -1;
      args.forEach((arg, i) => {
        if (!isList(arg)) return;
        if (iterLen === -1) {
          iterLen = arg.length;
          chooser = i;
        } else if (arg.length !== iterLen) {
          c.argFail(
            i + 1,
            `argument ${i + 1} has length ${arg.length}, which is inconsistent with argument ${chooser + 1} of length ${iterLen}`,
          );
        }
      });
      if (iterLen === 0) return [];
      const results: string[] = [];
      for (let n = 0; n < Math.max(iterLen, 1); n++) {
        const values = args.map((arg) => (isList(arg) ? (arg[n] as HclData) : arg));
        try {
          const result = formatValues(format, values);
          c.ctx.budget?.chargeText(result.length, 'formatlist');
          results.push(result);
        } catch (e) {
          rethrowUnexpected(e);
          c.fail(`error on format iteration ${n}: ${(e as Error).message}`);
        }
      }
      return results;
    },
    { nullable: true },
  ),
  indent: define('spaces, str', (c) => {
    const spaces = c.int(0);
    if (spaces < 0) return c.argFail(0, `a negative number of spaces is not allowed, received ${spaces}`);
    const str = c.str(1);
    const newlines = str.split('\n').length - 1;
    checkStringLength(str.length + newlines * spaces, 'indent');
    return str.replaceAll('\n', `\n${' '.repeat(spaces)}`);
  }),
  join: define(
    'separator, lists...',
    (c) => {
      const sep = c.str(0);
      const lists = c.args.slice(1).map((_, i) => c.stringList(i + 1));
      const items: string[] = [];
      for (const [li, list] of lists.entries()) {
        for (const [ei, item] of list.entries()) {
          if (item === null) {
            return c.fail(
              lists.length > 1
                ? `element ${ei} of list ${li + 1} is null; cannot concatenate null values`
                : `element ${ei} is null; cannot concatenate null values`,
            );
          }
          items.push(item);
        }
      }
      checkElementCount(items.length, 'join');
      checkStringLength(
        items.reduce((total, item) => total + item.length, 0) + Math.max(items.length - 1, 0) * sep.length,
        'join',
      );
      return items.join(sep);
    },
    { min: 2 },
  ),
  lower: define('str', (c) => goToLower(c.str(0))),
  upper: define('str', (c) => goToUpper(c.str(0))),
  replace: define('str, substr, replace', (c) => goReplaceAll(c.str(0), c.str(1), c.str(2))),
  split: define('separator, str', (c) => {
    const sep = c.str(0);
    const str = c.str(1);
    return sep === '' ? codePoints(str) : str.split(sep);
  }),
  strlen: define('str', (c) => graphemes(c.str(0)).length),
  strrev: define('str', stringReverse),
  substr: define('str, offset, length', (c) => substr(c.str(0), c.int(1), c.int(2))),
  title: define('str', (c) => goTitle(c.str(0))),
  trim: define('str, cutset', (c) => {
    const cutset = new Set(codePoints(c.str(1)));
    return trimRunes(c.str(0), (ch) => cutset.has(ch));
  }),
  trimprefix: define('str, prefix', (c) => {
    const s = c.str(0);
    const prefix = c.str(1);
    return s.startsWith(prefix) ? s.slice(prefix.length) : s;
  }),
  trimspace: define('str', (c) => trimRunes(c.str(0), isGoSpace)),
  trimsuffix: define('str, suffix', (c) => {
    const s = c.str(0);
    const suffix = c.str(1);
    return suffix !== '' && s.endsWith(suffix) ? s.slice(0, -suffix.length) : s;
  }),
  // Nomad binds reverse to cty's string ReverseFunc, so it reverses a string (like strrev), not a list.
  reverse: define('str', stringReverse),
};
