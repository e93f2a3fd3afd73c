/**
 * The functions Nomad's HCL2 jobspec parser offers (`jobspec2/functions.go` of
 * hashicorp/nomad), ported with the semantics of the Go implementations they
 * come from: go-cty's `function/stdlib`, hashicorp/go-cty-funcs (encoding,
 * crypto, filesystem, cidr, uuid) and zclconf/go-cty-yaml.
 *
 * Values are untyped ({@link HclData}), so where cty's behaviour depends on a
 * static type the function follows the type HCL gives a literal: an array is
 * a tuple, an object is an object (but functions that accept only maps accept
 * objects too, since a `map(...)` variable arrives here as a plain object).
 *
 * Numbers are JavaScript doubles where cty has 512-bit floats: a number is
 * printed from its shortest round-trip decimal form, which is the literal the
 * jobspec wrote.
 */
import { createHash, createPrivateKey, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as nodePath from 'node:path';
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseAllDocuments } from 'yaml';

/** An evaluated HCL value. Lists, tuples and sets are arrays; objects and maps are plain objects. */
export type HclData = string | number | boolean | null | readonly HclData[] | { readonly [key: string]: HclData };

export interface FunctionContext {
  /** Directory that relative paths in file() etc. resolve against. */
  readonly baseDir: string;
  /** Whether filesystem functions may read files (Nomad's -hcl2-strict / AllowFS). @default true */
  readonly allowFs: boolean;
}

/** Thrown for a bad call; the evaluator adds the file:line and the call text. Message says what was received and what is allowed. */
export class HclFunctionError extends Error {
  override readonly name = 'HclFunctionError';
}

export type HclFunction = (args: readonly HclData[], context: FunctionContext) => HclData;

type HclObject = { readonly [key: string]: HclData };
type HclList = readonly HclData[];

// ---------------------------------------------------------------------------
// Values

function isList(v: HclData): v is HclList {
  return Array.isArray(v);
}

function isObject(v: HclData): v is HclObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The kind of a value as HCL names it, for messages. */
function describe(v: HclData): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return isList(v) ? 'list' : 'object';
}

/** An object from entries; `__proto__` becomes an ordinary key. */
function makeObject(entries: Iterable<readonly [string, HclData]>): HclObject {
  return Object.fromEntries(entries) as HclObject;
}

function prop(o: HclObject, key: string): HclData {
  return o[key] as HclData;
}

function hasProp(o: HclObject, key: string): boolean {
  return Object.hasOwn(o, key);
}

/** Compares strings by code point, which is the byte order of their UTF-8 encoding that Go sorts by. */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** Keys in the order cty iterates maps and objects: lexical by UTF-8 bytes. */
function sortedKeys(o: HclObject): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** cty's Value.Equals for known values: same kind and same content. */
function deepEqual(a: HclData, b: HclData): boolean {
  if (a === b) return true;
  if (isList(a)) {
    if (!isList(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i] as HclData));
  }
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ak = Object.keys(a);
    if (ak.length !== Object.keys(b).length) return false;
    return ak.every((k) => hasProp(b, k) && deepEqual(prop(a, k), prop(b, k)));
  }
  return false;
}

function codePoints(s: string): string[] {
  return Array.from(s);
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

let segmenter: Intl.Segmenter | undefined;

/** Extended grapheme clusters, which cty counts as characters (go-textseg). */
function graphemes(s: string): string[] {
  if (/^[\x20-\x7e]*$/.test(s)) return s.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function normalizeDeep(v: HclData): HclData {
  if (typeof v === 'string') return isAscii(v) ? v : v.normalize('NFC');
  if (isList(v)) return v.map(normalizeDeep);
  if (isObject(v)) return makeObject(Object.keys(v).map((k) => [k, normalizeDeep(prop(v, k))]));
  return v;
}

// ---------------------------------------------------------------------------
// Go-style quoting for messages

function isPrintableRune(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}

function goEscapeRune(ch: string, quote: string): string {
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
    case '\\':
      return '\\\\';
    default:
      break;
  }
  if (ch === quote) return `\\${ch}`;
  if (isPrintableRune(ch)) return ch;
  const cp = ch.codePointAt(0) ?? 0;
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`;
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`;
  return `\\U${cp.toString(16).padStart(8, '0')}`;
}

/** Go's `%q` of a string (strconv.Quote). */
function goQuote(s: string): string {
  return `"${codePoints(s)
    .map((ch) => goEscapeRune(ch, '"'))
    .join('')}"`;
}

/** Go's `%q` of a rune (strconv.QuoteRune). */
function goQuoteRune(ch: string): string {
  return `'${goEscapeRune(ch, "'")}'`;
}

// ---------------------------------------------------------------------------
// Numbers: decimal forms in the manner of Go's math/big.Float

/** A decimal: the value is 0.mant × 10^exp; mant has no trailing zeros; zero has an empty mant. */
interface Decimal {
  mant: string;
  exp: number;
}

function decimalOf(abs: number): Decimal {
  if (abs === 0) return { mant: '', exp: 0 };
  const [m = '0', e = '0'] = abs.toExponential().split('e');
  const mant = m.replace('.', '').replace(/0+$/, '');
  return { mant, exp: Number(e) + 1 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * Whether the 512-bit float cty parses a decimal literal into lies above the
 * literal: that decides how big.Float rounds a decimal that ends in 5. A
 * literal that a binary float holds exactly rounds half to even instead.
 */
function roundsHalfUp(d: Decimal, n: number): boolean {
  const k = d.mant.length - d.exp;
  const evenUp = n > 0 && (Number(d.mant[n - 1]) & 1) === 1;
  if (k <= 0) return evenUp;
  const num = BigInt(d.mant);
  const five = 5n ** BigInt(k);
  if (num % five === 0n) return evenUp;
  const den = 10n ** BigInt(k);
  let s = 512 - (bitLength(num) - bitLength(den));
  for (;;) {
    const a = s >= 0 ? num << BigInt(s) : num;
    const b = s >= 0 ? den : den << BigInt(-s);
    const q = a / b;
    const len = bitLength(q);
    if (len > 512) s--;
    else if (len < 512) s++;
    else {
      const r2 = 2n * (a % b);
      return r2 > b || (r2 === b && (q & 1n) === 1n);
    }
  }
}

/** big.Float's decimal.round(n): keep n digits. */
function roundDecimal(d: Decimal, n: number): Decimal {
  if (n < 0 || n >= d.mant.length) return d;
  const digit = d.mant.charCodeAt(n) - 48;
  const up = digit === 5 && n + 1 === d.mant.length ? roundsHalfUp(d, n) : digit >= 5;
  if (!up) {
    const mant = d.mant.slice(0, n).replace(/0+$/, '');
    return mant === '' ? { mant: '', exp: 0 } : { mant, exp: d.exp };
  }
  let i = n;
  while (i > 0 && d.mant[i - 1] === '9') i--;
  if (i === 0) return { mant: '1', exp: d.exp + 1 };
  return { mant: d.mant.slice(0, i - 1) + String(Number(d.mant[i - 1]) + 1), exp: d.exp };
}

function digitAt(d: Decimal, i: number): string {
  return i >= 0 && i < d.mant.length ? (d.mant[i] as string) : '0';
}

function fmtF(d: Decimal, prec: number): string {
  let out = '';
  if (d.exp > 0) {
    out = d.mant.slice(0, d.exp).padEnd(d.exp, '0');
  } else {
    out = '0';
  }
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, d.exp + i - 1);
  }
  return out;
}

function fmtE(d: Decimal, e: string, prec: number): string {
  let out = d.mant.length > 0 ? (d.mant[0] as string) : '0';
  if (prec > 0) {
    out += '.';
    let i = 1;
    const m = Math.min(d.mant.length, prec + 1);
    if (i < m) {
      out += d.mant.slice(i, m);
      i = m;
    }
    for (; i <= prec; i++) out += '0';
  }
  let exp = d.mant.length > 0 ? d.exp - 1 : 0;
  const sign = exp < 0 ? '-' : '+';
  exp = Math.abs(exp);
  return `${out}${e}${sign}${exp < 10 ? '0' : ''}${exp}`;
}

/** big.Float.Text(fmt, prec) for fmt in e, E, f, g, G. */
function floatText(x: number, fmt: string, precision: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const sign = x < 0 ? '-' : '';
  let d = decimalOf(Math.abs(x));
  let prec = precision;
  let shortest = false;
  const lower = fmt.toLowerCase();
  if (prec < 0) {
    shortest = true;
    if (lower === 'e') prec = d.mant.length - 1;
    else if (lower === 'f') prec = Math.max(d.mant.length - d.exp, 0);
    else prec = d.mant.length;
  } else if (lower === 'e') {
    d = roundDecimal(d, 1 + prec);
  } else if (lower === 'f') {
    d = roundDecimal(d, d.exp + prec);
  } else {
    if (prec === 0) prec = 1;
    d = roundDecimal(d, prec);
  }
  if (lower === 'e') return sign + fmtE(d, fmt, prec);
  if (lower === 'f') return sign + fmtF(d, prec);
  let eprec = prec;
  if (eprec > d.mant.length && d.mant.length >= d.exp) eprec = d.mant.length;
  if (shortest) eprec = 6;
  const exp = d.exp - 1;
  if (exp < -4 || exp >= eprec) {
    if (prec > d.mant.length) prec = d.mant.length;
    return sign + fmtE(d, fmt === 'g' ? 'e' : 'E', prec - 1);
  }
  if (prec > d.exp) prec = d.mant.length;
  return sign + fmtF(d, Math.max(prec - d.exp, 0));
}

/** A number as cty converts it to a string: big.Float.Text('f', -1), never an exponent. */
function numberToString(n: number): string {
  return floatText(n, 'f', -1);
}

/** cty.ParseNumberVal: big.ParseFloat in base 10. */
function parseNumber(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?[Ii]nf$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

const INT64_BOUND = 2 ** 63;

/** gocty.FromCtyValue into a Go int: a whole number within int64. */
function asGoInt(n: number): number | undefined {
  return Number.isInteger(n) && n >= -INT64_BOUND && n < INT64_BOUND ? n : undefined;
}

const WHOLE_NUMBER = 'value must be a whole number, between -9223372036854775808 and 9223372036854775807';

// ---------------------------------------------------------------------------
// Conversions, as cty's convert package does them for function arguments

type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

function toStringValue(v: HclData): Converted<string> {
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number') return { ok: true, value: numberToString(v) };
  if (typeof v === 'boolean') return { ok: true, value: v ? 'true' : 'false' };
  return { ok: false, error: 'string required' };
}

function toNumberValue(v: HclData): Converted<number> {
  if (typeof v === 'number') return { ok: true, value: v };
  if (typeof v === 'string') {
    const n = parseNumber(v);
    return n === undefined ? { ok: false, error: 'a number is required' } : { ok: true, value: n };
  }
  return { ok: false, error: 'number required' };
}

function toBoolValue(v: HclData): Converted<boolean> {
  if (typeof v === 'boolean') return { ok: true, value: v };
  if (typeof v === 'string') {
    if (v === 'true' || v === '1') return { ok: true, value: true };
    if (v === 'false' || v === '0') return { ok: true, value: false };
    const lower = v.toLowerCase();
    if (lower === 'true' || lower === 'false') {
      return { ok: false, error: `a bool is required; to convert from string, use lowercase "${lower}"` };
    }
    return { ok: false, error: 'a bool is required' };
  }
  return { ok: false, error: 'bool required' };
}

/**
 * cty type unification (convert.UnifyUnsafe) over values: null goes with any
 * type; a string with numbers or bools makes them all strings; numbers with
 * bools do not unify. Structures are kept as given.
 */
function unifyValues(values: HclList): HclList | undefined {
  const kinds = new Set<string>();
  for (const v of values) if (v !== null) kinds.add(describe(v));
  const structural = kinds.has('list') || kinds.has('object');
  if (structural) {
    if (kinds.size > 1) return undefined;
    return values;
  }
  if (kinds.size <= 1) return values;
  if (!kinds.has('string')) return undefined;
  return values.map((v) => (v === null ? null : (toStringValue(v) as { value: string }).value));
}

/** Orders set elements as cty does for primitives (strings lexically, numbers numerically, false before true). */
function sortSet(values: HclData[]): HclData[] {
  const first = values.find((v) => v !== null);
  if (typeof first === 'string') return values.sort((a, b) => compareStrings(String(a), String(b)));
  if (typeof first === 'number') return values.sort((a, b) => Number(a) - Number(b));
  if (typeof first === 'boolean') return values.sort((a, b) => Number(a) - Number(b));
  return values;
}

function distinctValues(values: HclList): HclData[] {
  const out: HclData[] = [];
  for (const v of values) if (!out.some((x) => deepEqual(x, v))) out.push(v);
  return out;
}

// ---------------------------------------------------------------------------
// Calls

class Call {
  constructor(
    readonly fn: string,
    readonly args: HclList,
    readonly params: readonly string[],
    readonly variadic: string | undefined,
    readonly ctx: FunctionContext,
  ) {}

  paramName(i: number): string {
    return this.params[i] ?? this.variadic ?? `argument ${i + 1}`;
  }

  fail(message: string): never {
    throw new HclFunctionError(`${this.fn}: ${message}`);
  }

  argFail(i: number, detail: string): never {
    throw new HclFunctionError(`${this.fn}: invalid value for "${this.paramName(i)}" parameter: ${detail}`);
  }

  arg(i: number): HclData {
    return this.args[i] as HclData;
  }

  private convert<T>(i: number, result: Converted<T>): T {
    if (result.ok) return result.value;
    const v = this.arg(i);
    const received = typeof v === 'string' ? `string ${goQuote(v)}` : describe(v);
    return this.argFail(i, `${result.error}, received ${received}`);
  }

  str(i: number): string {
    return this.convert(i, toStringValue(this.arg(i)));
  }

  num(i: number): number {
    return this.convert(i, toNumberValue(this.arg(i)));
  }

  /** A number converted to a Go int. */
  int(i: number): number {
    const n = this.num(i);
    const int = asGoInt(n);
    return int === undefined ? this.argFail(i, `${WHOLE_NUMBER}, received ${numberToString(n)}`) : int;
  }

  /** A sequence (list, tuple or set); `what` names what is allowed, for the message. */
  seq(i: number, what = 'a list, tuple or set'): HclList {
    const v = this.arg(i);
    return isList(v) ? v : this.argFail(i, `${what} is required, received ${describe(v)}`);
  }

  /** A list(string) parameter: elements become strings; null elements stay null. */
  stringList(i: number): (string | null)[] {
    return this.seq(i).map((el, j) => {
      if (el === null) return null;
      const s = toStringValue(el);
      return s.ok ? s.value : this.argFail(i, `element ${j}: string required, received ${describe(el)}`);
    });
  }

  /** A list(any) or set(any) parameter: elements unified to one type. */
  unifiedList(i: number): HclList {
    const list = this.seq(i);
    return unifyValues(list) ?? this.argFail(i, 'all elements must have the same type');
  }

  map(i: number, message: string): HclObject {
    const v = this.arg(i);
    return isObject(v) ? v : this.fail(`${message}, received ${describe(v)}`);
  }
}

interface Definition {
  readonly params: readonly string[];
  readonly variadic?: string;
  readonly min: number;
  readonly max: number;
  readonly nullable: boolean;
  readonly fs: boolean;
  readonly impl: (c: Call) => HclData;
}

interface DefineOptions {
  /** Arguments at least (for variadic functions). */
  readonly min?: number;
  /** Arguments at most (for variadic functions). */
  readonly max?: number;
  /** Whether the variadic arguments (or, for one-parameter functions, the argument) may be null. */
  readonly nullable?: boolean;
  /** A filesystem function, disabled unless the context allows the filesystem. */
  readonly fs?: boolean;
}

/** A definition from a signature such as `"separator, lists..."`. */
function define(signature: string, impl: (c: Call) => HclData, options: DefineOptions = {}): Definition {
  const names = signature === '' ? [] : signature.split(', ');
  const last = names.at(-1);
  const variadic = last?.endsWith('...') ? last.slice(0, -3) : undefined;
  const params = variadic === undefined ? names : names.slice(0, -1);
  return {
    params,
    ...(variadic === undefined ? {} : { variadic }),
    min: options.min ?? params.length,
    max: options.max ?? (variadic === undefined ? params.length : Number.POSITIVE_INFINITY),
    nullable: options.nullable ?? false,
    fs: options.fs ?? false,
    impl,
  };
}

function arityMessage(def: Definition): string {
  const count =
    def.min === def.max
      ? String(def.min)
      : def.max === Number.POSITIVE_INFINITY
        ? `at least ${def.min}`
        : `${def.min} to ${def.max}`;
  const noun = def.min === 1 && (def.max === 1 || def.max === Number.POSITIVE_INFINITY) ? 'argument' : 'arguments';
  const names = [...def.params, ...(def.variadic === undefined ? [] : [`${def.variadic}...`])];
  return `expected ${count} ${noun}${names.length > 0 ? ` (${names.join(', ')})` : ''}`;
}

function bind(name: string, def: Definition): HclFunction {
  return (args, context) => {
    const ctx: FunctionContext = { baseDir: context.baseDir, allowFs: context.allowFs ?? true };
    if (args.length < def.min || args.length > def.max) {
      throw new HclFunctionError(`${name}: ${arityMessage(def)}, received ${args.length}`);
    }
    if (def.fs && !ctx.allowFs) {
      throw new HclFunctionError(
        `${name}: filesystem function disabled; this job is parsed without filesystem access (Nomad's AllowFS is false)`,
      );
    }
    const normalized = args.map(normalizeDeep);
    const call = new Call(name, normalized, def.params, def.variadic, ctx);
    normalized.forEach((v, i) => {
      const variadic = i >= def.params.length;
      if (v === null && !(def.nullable && (variadic || def.variadic === undefined))) {
        call.argFail(i, 'argument must not be null');
      }
    });
    try {
      return normalizeDeep(def.impl(call));
    } catch (e) {
      // Anything else (say, a string too long for JavaScript) is still a failed call, not a crash.
      if (e instanceof HclFunctionError || !(e instanceof Error)) throw e;
      throw new HclFunctionError(`${name}: ${e.message}`, { cause: e });
    }
  };
}

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

function mapRune(ch: string, to: (s: string) => string): string {
  const mapped = to(ch);
  return codePoints(mapped).length === 1 ? mapped : ch;
}

function goToUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  return codePoints(s)
    .map((ch) => mapRune(ch, (x) => x.toUpperCase()))
    .join('');
}

function goToLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  return codePoints(s)
    .map((ch) => (ch === '\u0130' ? 'i' : mapRune(ch, (x) => x.toLowerCase())))
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
  if (old === '') return replacement + codePoints(s).join(replacement) + (s === '' ? '' : replacement);
  return s.split(old).join(replacement);
}

// ---------------------------------------------------------------------------
// JSON in the manner of cty's json package and Go's encoding/json

/** encoding/json's string encoding, HTML-safe as json.Marshal makes it. */
function goJsonString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || ch === '<' || ch === '>' || ch === '&' || c === 0x2028 || c === 0x2029) {
      out += `\\u${c.toString(16).padStart(4, '0')}`;
    } else if (c >= 0xd800 && c <= 0xdfff) out += '\\ufffd';
    else out += ch;
  }
  return `${out}"`;
}

/** cty json.Marshal: keys sorted, numbers without exponent. */
function jsonEncode(v: HclData): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error('cannot serialize infinity as JSON');
    return numberToString(v);
  }
  if (typeof v === 'string') return goJsonString(v);
  if (isList(v)) return `[${v.map(jsonEncode).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${goJsonString(k)}:${jsonEncode(prop(v, k))}`)
    .join(',')}}`;
}

/** encoding/json's quoteChar. */
function jsonCharQuote(ch: string): string {
  if (ch === "'") return "'\\''";
  if (ch === '"') return `'"'`;
  return `'${goQuote(ch).slice(1, -1)}'`;
}

/** A JSON parser with encoding/json's grammar and messages, and cty's rejection of duplicate keys. */
function jsonDecode(text: string): HclData {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && ' \t\r\n'.includes(text[i] as string)) i++;
  };
  const bad = (context: string): never => {
    if (i >= text.length) throw new Error('unexpected EOF');
    throw new Error(`invalid character ${jsonCharQuote(String.fromCodePoint(text.codePointAt(i) ?? 0))} ${context}`);
  };
  const literal = (word: string, value: HclData): HclData => {
    for (const ch of word) {
      if (text[i] !== ch) bad(`in literal ${word} (expecting ${jsonCharQuote(ch)})`);
      i++;
    }
    return value;
  };
  const str = (): string => {
    i++;
    let out = '';
    for (;;) {
      if (i >= text.length) throw new Error('unexpected EOF');
      const ch = text[i] as string;
      if (ch === '"') {
        i++;
        return out;
      }
      if (ch.charCodeAt(0) < 0x20) bad('in string literal');
      if (ch !== '\\') {
        out += ch;
        i++;
        continue;
      }
      i++;
      const esc = text[i];
      const simple: Record<string, string> = {
        '"': '"',
        '\\': '\\',
        '/': '/',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
      };
      if (esc !== undefined && esc in simple) {
        out += simple[esc];
        i++;
      } else if (esc === 'u') {
        const hex = text.slice(i + 1, i + 5);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
          i += 1 + (/^[0-9a-fA-F]*/.exec(hex)?.[0].length ?? 0);
          bad('in \\u hexadecimal character escape');
        }
        out += String.fromCharCode(Number.parseInt(hex, 16));
        i += 5;
      } else {
        bad('in string escape code');
      }
    }
  };
  const num = (): number => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m || m[0] === '-') {
      i++;
      bad('in numeric literal');
    }
    const s = (m as RegExpExecArray)[0];
    const next = text[i + s.length];
    if (next === '.' || next === 'e' || next === 'E') {
      i += s.length + 1;
      bad(next === '.' ? 'after decimal point in numeric literal' : 'in exponent of numeric literal');
    }
    i += s.length;
    return Number(s);
  };
  const value = (): HclData => {
    ws();
    const ch = text[i];
    if (ch === '{') {
      i++;
      const entries = new Map<string, HclData>();
      ws();
      if (text[i] === '}') {
        i++;
        return {};
      }
      for (;;) {
        ws();
        if (text[i] !== '"') bad('looking for beginning of object key string');
        const key = str();
        ws();
        if (text[i] !== ':') bad('after object key');
        i++;
        if (entries.has(key)) throw new Error(`duplicate ${goQuote(key)} property in JSON object`);
        entries.set(key, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return makeObject(entries);
        }
        bad('after object key:value pair');
      }
    }
    if (ch === '[') {
      i++;
      const items: HclData[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return items;
      }
      for (;;) {
        items.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return items;
        }
        bad('after array element');
      }
    }
    if (ch === '"') return str();
    if (ch === 't') return literal('true', true);
    if (ch === 'f') return literal('false', false);
    if (ch === 'n') return literal('null', null);
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return num();
    if (i >= text.length) throw new Error(text.trim() === '' ? 'EOF' : 'unexpected EOF');
    return bad('looking for beginning of value');
  };
  const result = value();
  ws();
  if (i < text.length) throw new Error('extraneous data after JSON object');
  return result;
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
      out += ch;
      p++;
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
    out += formatArg(verb, args);
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
    return c.fail((e as Error).message);
  }
}

// ---------------------------------------------------------------------------
// Regular expressions: Go's RE2 syntax translated to a JavaScript RegExp

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7f',
  blank: '\\t ',
  cntrl: '\\x00-\\x1f\\x7f',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`\\{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const JS_SYNTAX = '^$\\.*+?()[]{}|/';

function escapeJs(ch: string): string {
  return JS_SYNTAX.includes(ch) || ch === '-' ? `\\${ch}` : ch;
}

class RegexpSyntaxError extends Error {}

/** Translates Go regexp syntax (RE2) to a JavaScript pattern with the `u` flag, rejecting what Go rejects. */
function translateGoRegexp(pattern: string): RegExp {
  const fail = (message: string): never => {
    throw new RegexpSyntaxError(`error parsing regexp: ${message}`);
  };
  const cps = codePoints(pattern);
  let i = 0;
  let caseInsensitive = false;
  let multiLine = false;
  let dotAll = false;
  // Leading flag groups such as (?i) or (?s-m).
  for (;;) {
    const rest = cps.slice(i).join('');
    const m = /^\(\?([imsU]*)(?:-([imsU]*))?\)/.exec(rest);
    if (!m || (m[1] === '' && m[2] === undefined)) break;
    for (const [set, on] of [
      [m[1] ?? '', true],
      [m[2] ?? '', false],
    ] as const) {
      for (const f of set) {
        if (f === 'U') fail('the (?U) ungreedy flag is not supported by this importer');
        if (f === 'i') caseInsensitive = on;
        if (f === 'm') multiLine = on;
        if (f === 's') dotAll = on;
      }
    }
    i += codePoints(m[0]).length;
  }
  let out = '';
  let canRepeat = false;
  const hexDigits = (s: string): boolean => /^[0-9A-Fa-f]+$/.test(s);
  /** An escape sequence starting after the backslash at cps[i]; returns the JS text and whether it is a class (usable only as a whole). */
  const escapeSequence = (inClass: boolean): string => {
    const c = cps[i];
    if (c === undefined) return fail('trailing backslash at end of expression: ``');
    i++;
    if (c >= '1' && c <= '7' && !(cps[i] !== undefined && (cps[i] as string) >= '0' && (cps[i] as string) <= '7')) {
      return fail(`invalid escape sequence: \`\\${c}\``);
    }
    if (c >= '0' && c <= '7') {
      let digits = c;
      while (digits.length < 3 && cps[i] !== undefined && (cps[i] as string) >= '0' && (cps[i] as string) <= '7') {
        digits += cps[i];
        i++;
      }
      return `\\u{${Number.parseInt(digits, 8).toString(16)}}`;
    }
    switch (c) {
      case 'a':
        return '\\x07';
      case 'f':
      case 't':
      case 'n':
      case 'r':
      case 'v':
        return `\\${c}`;
      case 'd':
        return inClass ? '0-9' : '[0-9]';
      case 'D':
        return inClass ? '\\D' : '[^0-9]';
      case 'w':
        return inClass ? '0-9A-Za-z_' : '[0-9A-Za-z_]';
      case 'W':
        return inClass ? '\\W' : '[^0-9A-Za-z_]';
      case 's':
        return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      case 'S':
        return inClass ? '\\S' : '[^\\t\\n\\f\\r ]';
      case 'b':
      case 'B':
        if (inClass) return fail(`invalid escape sequence: \`\\${c}\``);
        return `\\${c}`;
      case 'A':
        if (inClass) return fail('invalid escape sequence: `\\A`');
        return '(?<![\\s\\S])';
      case 'z':
        if (inClass) return fail('invalid escape sequence: `\\z`');
        return '(?![\\s\\S])';
      case 'x': {
        if (cps[i] === '{') {
          const close = cps.indexOf('}', i);
          const hex = close < 0 ? '' : cps.slice(i + 1, close).join('');
          if (close < 0 || !hexDigits(hex) || Number.parseInt(hex, 16) > 0x10ffff) {
            return fail(`invalid escape sequence: \`\\x${cps.slice(i, close < 0 ? undefined : close + 1).join('')}\``);
          }
          i = close + 1;
          return `\\u{${Number.parseInt(hex, 16).toString(16)}}`;
        }
        const hex = cps.slice(i, i + 2).join('');
        if (hex.length !== 2 || !hexDigits(hex)) return fail(`invalid escape sequence: \`\\x${hex}\``);
        i += 2;
        return `\\x${hex}`;
      }
      case 'p':
      case 'P': {
        let name = '';
        if (cps[i] === '{') {
          const close = cps.indexOf('}', i);
          if (close < 0) return fail(`invalid character class range: \`\\${c}${cps.slice(i).join('')}\``);
          name = cps.slice(i + 1, close).join('');
          i = close + 1;
        } else {
          name = cps[i] ?? '';
          i++;
        }
        let negate = c === 'P';
        if (name.startsWith('^')) {
          negate = !negate;
          name = name.slice(1);
        }
        const property = /^[A-Z][a-z]?$/.test(name) ? name : name === 'Any' ? 'Any' : `Script=${name}`;
        const text = `\\${negate ? 'P' : 'p'}{${property}}`;
        try {
          new RegExp(text, 'u');
        } catch {
          fail(`invalid character class range: \`\\${c}{${name}}\``);
        }
        return text;
      }
      case 'Q': {
        let literal = '';
        while (i < cps.length && !(cps[i] === '\\' && cps[i + 1] === 'E')) {
          literal += escapeJs(cps[i] as string);
          i++;
        }
        if (i < cps.length) i += 2;
        return inClass ? literal : `(?:${literal})`;
      }
      default:
        if (c.length === 1 && c.charCodeAt(0) < 0x80 && !/[0-9A-Za-z]/.test(c)) return escapeJs(c);
        return fail(`invalid escape sequence: \`\\${c}\``);
    }
  };
  const charClass = (): string => {
    const start = i - 1;
    let body = '';
    if (cps[i] === '^') {
      body += '^';
      i++;
    }
    let first = true;
    for (;;) {
      const c = cps[i];
      if (c === undefined) return fail(`missing closing ]: \`${cps.slice(start).join('')}\``);
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && cps[i + 1] === ':') {
        const close = cps.join('').indexOf(':]', i + 2);
        const closeAt = close < 0 ? -1 : codePoints(cps.join('').slice(0, close)).length;
        const name = closeAt < 0 ? '' : cps.slice(i + 2, closeAt).join('');
        if (closeAt >= 0 && name.startsWith('^')) {
          return fail(`negated POSIX class [:${name}:] is not supported by this importer`);
        }
        const posix = POSIX_CLASSES[name];
        if (closeAt >= 0 && posix === undefined) return fail(`invalid character class range: \`[:${name}:]\``);
        if (posix !== undefined) {
          body += posix;
          i = closeAt + 2;
          continue;
        }
      }
      i++;
      if (c === '\\') body += escapeSequence(true);
      else if (c === '[' || c === ']' || c === '\\') body += `\\${c}`;
      else body += c;
    }
    return `[${body}]`;
  };
  while (i < cps.length) {
    const c = cps[i] as string;
    i++;
    switch (c) {
      case '\\': {
        const startsAssertion = cps[i] === 'b' || cps[i] === 'B' || cps[i] === 'A' || cps[i] === 'z';
        out += escapeSequence(false);
        canRepeat = !startsAssertion;
        break;
      }
      case '.':
        out += dotAll ? '[\\s\\S]' : '[^\\n]';
        canRepeat = true;
        break;
      case '[':
        out += charClass();
        canRepeat = true;
        break;
      case '(': {
        if (cps[i] !== '?') {
          out += '(';
          canRepeat = false;
          break;
        }
        const rest = cps.slice(i).join('');
        const named = /^\?P?<([A-Za-z0-9_]+)>/.exec(rest);
        if (named) {
          out += `(?<${named[1]}>`;
          i += codePoints(named[0]).length;
        } else if (rest.startsWith('?:')) {
          out += '(?:';
          i += 2;
        } else if (/^\?[imsU-]*[):]/.test(rest)) {
          fail('flags inside an expression are not supported by this importer; put them at the start, as (?i)');
        } else {
          fail(`invalid or unsupported Perl syntax: \`${cps.slice(i - 1, i + 2).join('')}\``);
        }
        canRepeat = false;
        break;
      }
      case ')':
        out += ')';
        canRepeat = true;
        break;
      case '|':
      case '^':
      case '$':
        out += c;
        canRepeat = false;
        break;
      case '*':
      case '+':
      case '?':
        out += c;
        if (cps[i] === '?') {
          out += '?';
          i++;
        }
        canRepeat = false;
        break;
      case '{': {
        const m = /^(\d+)(,(\d*))?\}/.exec(cps.slice(i).join(''));
        if (m) {
          if (Number(m[1]) > 1000 || Number(m[3] || 0) > 1000) fail(`invalid repeat count: \`{${m[0]}\``);
          if (!canRepeat) fail(`missing argument to repetition operator: \`{${m[0]}\``);
          out += `{${m[0]}`;
          i += m[0].length;
          if (cps[i] === '?') {
            out += '?';
            i++;
          }
          canRepeat = false;
        } else {
          out += '\\{';
          canRepeat = true;
        }
        break;
      }
      default:
        out += escapeJs(c);
        canRepeat = true;
    }
  }
  try {
    return new RegExp(out, `gu${caseInsensitive ? 'i' : ''}${multiLine ? 'm' : ''}`);
  } catch (e) {
    return fail((e as Error).message.replace(/^Invalid regular expression: /, ''));
  }
}

/** Regexp.Expand's template: $1, ${1}, $name, ${name}, $$. */
function expandTemplate(template: string, match: RegExpExecArray): string {
  let out = '';
  let rest = template;
  for (;;) {
    const at = rest.indexOf('$');
    if (at < 0) break;
    out += rest.slice(0, at);
    rest = rest.slice(at + 1);
    if (rest.startsWith('$')) {
      out += '$';
      rest = rest.slice(1);
      continue;
    }
    const m = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u.exec(rest);
    if (!m) {
      out += '$';
      continue;
    }
    const name = (m[1] ?? m[2]) as string;
    rest = rest.slice(m[0].length);
    const num = /^(0|[1-9]\d{0,7})$/.test(name) ? Number(name) : -1;
    const group = num >= 0 ? match[num] : match.groups?.[name];
    out += group ?? '';
  }
  return out + rest;
}

/** Regexp.ReplaceAllString, which skips an empty match right after a previous match. */
function goReplaceAllRegexp(re: RegExp, s: string, template: string): string {
  let out = '';
  let lastMatchEnd = 0;
  let searchPos = 0;
  while (searchPos <= s.length) {
    re.lastIndex = searchPos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    out += s.slice(lastMatchEnd, start);
    if (end > lastMatchEnd || start === 0) out += expandTemplate(template, m);
    lastMatchEnd = end;
    const cp = s.codePointAt(searchPos);
    const width = cp === undefined ? 0 : cp > 0xffff ? 2 : 1;
    if (searchPos + width > end) searchPos += width;
    else if (searchPos + 1 > end) searchPos++;
    else searchPos = end;
  }
  return out + s.slice(lastMatchEnd);
}

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

function daysIn(month: number, year: number): number {
  if (month === 2) return isLeap(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
function daysFromCivil(y0: number, m: number, d: number): number {
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
function formatRfc3339(t: GoTime): string {
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

const DURATION_UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** time.ParseDuration, in nanoseconds. */
function parseDuration(orig: string): bigint {
  const invalid = (): never => {
    throw new Error(`time: invalid duration ${goQuote(orig)}`);
  };
  let s = orig;
  let neg = false;
  if (s.startsWith('-') || s.startsWith('+')) {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  if (s === '0') return 0n;
  if (s === '') invalid();
  let total = 0n;
  const max = 1n << 63n;
  while (s !== '') {
    const m = /^(\d*)(\.(\d*))?/.exec(s) as RegExpExecArray;
    const intPart = m[1] ?? '';
    const fracPart = m[3] ?? '';
    if (intPart === '' && fracPart === '') invalid();
    s = s.slice(m[0].length);
    const unitMatch = /^[^0-9.]*/.exec(s) as RegExpExecArray;
    const unitName = unitMatch[0];
    if (unitName === '') throw new Error(`time: missing unit in duration ${goQuote(orig)}`);
    s = s.slice(unitName.length);
    const unit = DURATION_UNITS[unitName];
    if (unit === undefined) throw new Error(`time: unknown unit ${goQuote(unitName)} in duration ${goQuote(orig)}`);
    const v = BigInt(intPart === '' ? '0' : intPart);
    if (v > max / unit) invalid();
    let part = v * unit;
    if (fracPart !== '' && /[1-9]/.test(fracPart)) {
      const digits = fracPart.slice(0, 18);
      part += BigInt(Math.floor(Number(digits) * (Number(unit) / 10 ** digits.length)));
      if (part > max) invalid();
    }
    total += part;
    if (total > max) invalid();
  }
  if (neg) return -total;
  if (total > max - 1n) invalid();
  return total;
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

// ---------------------------------------------------------------------------
// IP networks, as Go's net.ParseCIDR and apparentlymart/go-cidr handle them

interface IpNet {
  /** The address, masked to the prefix for a network. */
  readonly ip: bigint;
  /** 32 for IPv4, 128 for IPv6. */
  readonly bits: number;
  readonly prefix: number;
}

function parseIPv4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p.startsWith('0')) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseIPv6(s: string): bigint | undefined {
  if (s.includes('%')) return undefined;
  let groups: number[] = [];
  let text = s;
  let v4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    v4 = parseIPv4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9A-Fa-f]{1,4}$/.test(g)) return undefined;
      out.push(Number.parseInt(g, 16));
    }
    return out;
  };
  const head = parse(halves[0] as string);
  if (head === undefined) return undefined;
  if (halves.length === 2) {
    const tail = parse(halves[1] as string);
    if (tail === undefined || head.length + tail.length > 7) return undefined;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    if (head.length !== 8) return undefined;
    groups = head;
  }
  let out = 0n;
  for (const g of groups) out = (out << 16n) | BigInt(g);
  if (v4 !== undefined) out = (out & ~0xffffffffn) | v4;
  return out;
}

function maskOf(prefix: number, bits: number): bigint {
  const all = (1n << BigInt(bits)) - 1n;
  return all ^ ((1n << BigInt(bits - prefix)) - 1n);
}

/** net.ParseCIDR; the network address has its host bits cleared. */
function parseCidr(s: string): IpNet {
  const slash = s.indexOf('/');
  const invalid = (): never => {
    throw new Error(`invalid CIDR address: ${s}`);
  };
  if (slash < 0) invalid();
  const addr = s.slice(0, slash);
  const len = s.slice(slash + 1);
  const bits = addr.includes(':') ? 128 : 32;
  const ip = bits === 32 ? parseIPv4(addr) : parseIPv6(addr);
  if (ip === undefined || !/^\d+$/.test(len) || Number(len) > bits) return invalid();
  const prefix = Number(len);
  return { ip: ip & maskOf(prefix, bits), bits, prefix };
}

/** net.IP.String(). */
function ipString(ip: bigint, bits: number): string {
  const v4 = (v: bigint): string => [24n, 16n, 8n, 0n].map((sh) => String((v >> sh) & 0xffn)).join('.');
  if (bits === 32) return v4(ip);
  if (ip >> 32n === 0xffffn) return v4(ip & 0xffffffffn);
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((ip >> BigInt(i * 16)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i >= 2 && j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

function netString(n: IpNet): string {
  return `${ipString(n.ip, n.bits)}/${n.prefix}`;
}

function lastAddress(n: IpNet): bigint {
  return n.ip | (((1n << BigInt(n.bits)) - 1n) ^ maskOf(n.prefix, n.bits));
}

/** go-cidr's HostBig. */
function cidrHost(net: IpNet, num: number): string {
  const hostLen = net.bits - net.prefix;
  const max = (1n << BigInt(hostLen)) - 1n;
  let n = BigInt(num);
  let check = n < 0n ? 0n : n;
  if (n < 0n) {
    check = -n - 1n;
    n = max - check;
  }
  if (check > max) throw new Error(`prefix of ${net.prefix} does not accommodate a host numbered ${n}`);
  return ipString(net.ip | n, net.bits);
}

/** go-cidr's Subnet. */
function cidrSubnet(net: IpNet, newBits: number, num: number): IpNet {
  const prefix = net.prefix + newBits;
  if (prefix > net.bits) {
    throw new Error(`insufficient address space to extend prefix of ${net.prefix} by ${newBits}`);
  }
  if (newBits < 0) throw new Error(`newbits must not be negative, received ${newBits}`);
  if (num < 0 || BigInt(num) > (1n << BigInt(newBits)) - 1n) {
    throw new Error(`prefix extension of ${newBits} does not accommodate a subnet numbered ${num}`);
  }
  return { ip: net.ip | (BigInt(num) << BigInt(net.bits - prefix)), bits: net.bits, prefix };
}

/** go-cty-funcs' cidrsubnets, built on go-cidr's PreviousSubnet and NextSubnet. */
function cidrSubnets(c: Call, net: IpNet, lengths: readonly number[]): string[] {
  if (lengths.length === 0) return [];
  const all = (1n << BigInt(net.bits)) - 1n;
  const first = net.prefix + (lengths[0] as number);
  const prevMask = maskOf(Math.min(Math.max(first, 0), net.bits), net.bits);
  let current: IpNet = {
    ip: ((net.ip - 1n) & all & prevMask) as bigint,
    bits: net.bits,
    prefix: Math.min(Math.max(first, 0), net.bits),
  };
  const out: string[] = [];
  lengths.forEach((extend, i) => {
    if (extend < 1) c.argFail(i + 1, 'must extend prefix by at least one bit');
    if (extend > 32) c.argFail(i + 1, 'may not extend prefix by more than 32 bits');
    const length = extend + net.prefix;
    if (length > net.bits) {
      c.argFail(
        i + 1,
        `would extend prefix to ${length} bits, which is too long for an ${net.bits === 32 ? 'IPv4' : 'IPv6'} address`,
      );
    }
    const mask = maskOf(length, net.bits);
    const subnet: IpNet = { ip: lastAddress(current) & mask, bits: net.bits, prefix: length };
    const after = (lastAddress(subnet) + 1n) & all;
    const next: IpNet = { ip: after & mask, bits: net.bits, prefix: length };
    const contained = (next.ip & maskOf(net.prefix, net.bits)) === net.ip;
    if (after === 0n || !contained) {
      c.argFail(
        i + 1,
        `not enough remaining address space for a subnet with a prefix of ${length} bits after ${netString(current)}`,
      );
    }
    current = next;
    out.push(netString(current));
  });
  return out;
}

// ---------------------------------------------------------------------------
// CSV: Go's encoding/csv Reader with its default settings

class CsvError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(message);
  }
}

class CsvReader {
  private pos = 0;
  /** Lines read so far; the line a record starts on is reported for a wrong field count. */
  numLine = 0;

  constructor(private readonly text: string) {}

  private readLine(): { line: string; eof: boolean } {
    if (this.pos >= this.text.length) return { line: '', eof: true };
    const nl = this.text.indexOf('\n', this.pos);
    let line = nl < 0 ? this.text.slice(this.pos) : this.text.slice(this.pos, nl + 1);
    this.pos = nl < 0 ? this.text.length : nl + 1;
    if (nl < 0 && line.endsWith('\r')) line = line.slice(0, -1);
    this.numLine++;
    if (line.endsWith('\r\n')) line = `${line.slice(0, -2)}\n`;
    return { line, eof: false };
  }

  /** One record and the line it starts on, or undefined at the end of input. */
  read(): { fields: string[]; line: number } | undefined {
    let next = this.readLine();
    while (!next.eof && next.line === '\n') next = this.readLine();
    if (next.eof) return undefined;
    let line = next.line;
    const recLine = this.numLine;
    const fields: string[] = [];
    for (;;) {
      if (!line.startsWith('"')) {
        const comma = line.indexOf(',');
        const field = comma >= 0 ? line.slice(0, comma) : line.replace(/\n$/, '');
        if (field.includes('"')) throw new CsvError(this.numLine, 'bare " in non-quoted-field');
        fields.push(field);
        if (comma < 0) return { fields, line: recLine };
        line = line.slice(comma + 1);
        continue;
      }
      line = line.slice(1);
      let field = '';
      for (;;) {
        const quote = line.indexOf('"');
        if (quote >= 0) {
          field += line.slice(0, quote);
          line = line.slice(quote + 1);
          if (line.startsWith('"')) {
            field += '"';
            line = line.slice(1);
          } else if (line.startsWith(',')) {
            line = line.slice(1);
            fields.push(field);
            break;
          } else if (line === '' || line === '\n') {
            fields.push(field);
            return { fields, line: recLine };
          } else {
            throw new CsvError(this.numLine, 'extraneous or missing " in quoted-field');
          }
        } else if (line.length > 0) {
          field += line;
          line = this.readLine().line;
        } else {
          throw new CsvError(this.numLine, 'extraneous or missing " in quoted-field');
        }
      }
    }
  }
}

/** cty's csvdecode: the first record names the columns; every row becomes an object of strings. */
function csvDecode(text: string): HclData {
  const reader = new CsvReader(text);
  const read = (): { fields: string[]; line: number } | undefined => {
    try {
      return reader.read();
    } catch (e) {
      if (e instanceof CsvError) throw new Error(`CSV parse error on line ${e.line}: ${e.message}`);
      throw e;
    }
  };
  const headers = read()?.fields;
  if (headers === undefined) throw new Error('missing header line');
  const seen = new Set<string>();
  for (const h of headers) {
    if (seen.has(h)) throw new Error(`duplicate column name ${goQuote(h)}`);
    seen.add(h);
  }
  const rows: HclData[] = [];
  for (let record = read(); record !== undefined; record = read()) {
    if (record.fields.length !== headers.length) {
      throw new Error(`CSV parse error on line ${record.line}: wrong number of fields`);
    }
    rows.push(makeObject(record.fields.map((v, i) => [headers[i] as string, v])));
  }
  return rows;
}

// ---------------------------------------------------------------------------
// YAML decoding with go-cty-yaml's resolution rules (YAML 1.1 style scalars)

const YAML_TAG = 'tag:yaml.org,2002:';
const RESOLVE_MAP: ReadonlyMap<string, HclData> = new Map<string, HclData>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s) => [s, true] as const),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s) => [s, false] as const),
  ...['', '~', 'null', 'Null', 'NULL'].map((s) => [s, null] as const),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s) => [s, Number.POSITIVE_INFINITY] as const),
  ...['-.inf', '-.Inf', '-.INF'].map((s) => [s, Number.NEGATIVE_INFINITY] as const),
]);
const RESOLVABLE_TAGS = new Set(
  ['', 'str', 'bool', 'int', 'float', 'null', 'timestamp', 'binary'].map((t) => (t === '' ? '' : YAML_TAG + t)),
);

/** Parses a YAML timestamp with the formats go-cty-yaml accepts, as an RFC 3339 string. */
function yamlTimestamp(s: string): string | undefined {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|( ))(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(
      s,
    );
  if (!m) return undefined;
  const [, y, mo, d, space, h, mi, sec, , zone] = m;
  // With a 'T' the zone is required; with a space there is none.
  if (h !== undefined && space === undefined && zone === undefined) return undefined;
  if (space !== undefined && zone !== undefined) return undefined;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year)) return undefined;
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(sec ?? 0);
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  let offset = 0;
  if (zone !== undefined && zone !== 'Z') {
    offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60 * (zone.startsWith('-') ? -1 : 1);
  }
  const secs = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset;
  return formatRfc3339({ ns: BigInt(secs) * 1_000_000_000n, offset });
}

function strictBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** go-cty-yaml's resolveScalar. */
function resolveYamlScalar(tag: string, src: string, quoted: boolean): HclData {
  if (!RESOLVABLE_TAGS.has(tag)) throw new Error(`unsupported tag ${goQuote(tag)}`);
  const hint =
    src === ''
      ? 'N'
      : '+-'.includes(src[0] as string)
        ? 'S'
        : /[0-9]/.test(src[0] as string)
          ? 'D'
          : 'yYnNtTfFoO~'.includes(src[0] as string)
            ? 'M'
            : src[0] === '.'
              ? '.'
              : '';
  if (hint !== '' && tag !== `${YAML_TAG}str` && tag !== `${YAML_TAG}binary`) {
    if (quoted) return src;
    if (RESOLVE_MAP.has(src)) return RESOLVE_MAP.get(src) as HclData;
    if (tag === '' && ['.nan', '.NaN', '.NAN'].includes(src)) throw new Error('floating point NaN is not supported');
    if (hint === '.') {
      const n = parseNumber(src);
      if (n !== undefined) return n;
    } else if (hint === 'D' || hint === 'S') {
      if (tag === '' || tag === `${YAML_TAG}timestamp`) {
        const t = /^\d{4}-/.test(src) ? yamlTimestamp(src) : undefined;
        if (t !== undefined) return t;
      }
      const n = parseNumber(src.replace(/_/g, ''));
      if (n !== undefined) return n;
      if (/^-?0b/.test(src.replace(/_/g, '')) && tag === '') return resolveYamlScalar(`${YAML_TAG}int`, src, false);
    }
  }
  switch (tag.slice(YAML_TAG.length)) {
    case 'str':
      return src;
    case 'binary':
      if (strictBase64(src) === undefined) throw new Error(`cannot parse ${goQuote(src)} as ${tag}: not valid base64`);
      return src;
    case 'bool': {
      const b = RESOLVE_MAP.get(src);
      if (typeof b !== 'boolean') throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
      return b;
    }
    case 'float':
    case 'int': {
      const plain = src.replace(/_/g, '');
      const n = parseNumber(plain);
      if (n !== undefined) return n;
      const m = /^([+-]?)(0x[0-9a-fA-F]+|0o?[0-7]+|0b[01]+)$/.exec(plain);
      if (m) {
        const digits = (m[2] as string).replace(/^0(?=[0-7])/, '0o');
        const v = BigInt(digits);
        const signed = m[1] === '-' ? -v : v;
        if (signed >= -(2n ** 63n) && signed < 2n ** 64n) return Number(signed);
      }
      throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
    }
    case 'timestamp': {
      const t = yamlTimestamp(src);
      if (t === undefined) throw new Error(`cannot parse ${goQuote(src)} as ${tag}`);
      return t;
    }
    case 'null':
      return null;
    default:
      return src;
  }
}

interface YamlNodeLike {
  readonly range?: readonly number[] | null;
  readonly anchor?: string;
  readonly tag?: string;
}

/** go-cty-yaml's Unmarshal of a single document. */
function yamlDecode(source: string): HclData {
  const lineCounter = new LineCounter();
  const src = source === '' ? '\n' : source;
  const docs = parseAllDocuments(src, {
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    lineCounter,
    prettyErrors: false,
  });
  const at = (offset: number, message: string): Error => {
    const pos = lineCounter.linePos(offset);
    return new Error(`on line ${pos.line - 1}, column ${pos.col}: ${message}`);
  };
  /** libyaml marks a node where its properties (tag, anchor) start; the yaml package where its value does. */
  const nodeStart = (node: YamlNodeLike | null | undefined): number => {
    let start = node?.range?.[0] ?? 0;
    for (let props = 0; props < 2; props++) {
      let i = start;
      while (i > 0 && (src[i - 1] === ' ' || src[i - 1] === '\t')) i--;
      let j = i;
      while (j > 0 && !/\s/.test(src[j - 1] as string)) j--;
      if (j === i || (src[j] !== '!' && src[j] !== '&')) break;
      start = j;
    }
    return start;
  };
  const nodeError = (node: YamlNodeLike | null | undefined, message: string): Error => at(nodeStart(node), message);
  const list = Array.from(docs);
  const first = list[0];
  if (first === undefined) throw at(src.length, 'missing start of document');
  const syntax = first.errors[0];
  if (syntax) throw at(syntax.pos[0], syntax.message.split('\n')[0] as string);
  const second = list[1];
  if (second !== undefined) {
    const e = second.errors[0];
    if (e) throw at(e.pos[0], e.message.split('\n')[0] as string);
    throw at(second.range[0], 'only a single document is allowed');
  }
  const pending = new Map<string, number>();
  const anchors = new Map<string, HclData>();
  const begin = (anchor: string | undefined): void => {
    if (anchor) pending.set(anchor, (pending.get(anchor) ?? 0) + 1);
  };
  const complete = (anchor: string | undefined, v: HclData): void => {
    if (!anchor) return;
    const count = (pending.get(anchor) ?? 1) - 1;
    if (count === 0) pending.delete(anchor);
    else pending.set(anchor, count);
    anchors.set(anchor, v);
  };
  const decode = (node: unknown): HclData => {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) {
      const name = node.source;
      if (pending.has(name))
        throw nodeError(node, `cannot refer to anchor ${goQuote(name)} from inside its own definition`);
      if (!anchors.has(name)) throw nodeError(node, `reference to undefined anchor ${goQuote(name)}`);
      return anchors.get(name) as HclData;
    }
    if (isScalar(node)) {
      begin(node.anchor);
      const quoted = node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE';
      let v: HclData;
      try {
        v = resolveYamlScalar(node.tag ?? '', String(node.source ?? ''), quoted);
      } catch (e) {
        throw nodeError(node, (e as Error).message);
      }
      complete(node.anchor, v);
      return v;
    }
    if (isMap(node)) {
      if (node.tag && node.tag !== `${YAML_TAG}map`) throw nodeError(node, `can't interpret mapping as ${node.tag}`);
      begin(node.anchor);
      const vals = new Map<string, HclData>();
      for (const pair of node.items) {
        const key = pair.key as unknown;
        if (isScalar(key) && key.type === 'PLAIN' && (key.tag ?? '') === '' && key.source === '<<') {
          const merged = decode(pair.value);
          const maps = isList(merged) ? merged : [merged];
          for (const m of maps) {
            if (!isObject(m)) {
              throw nodeError(
                key,
                `cannot merge ${describe(m)}${isList(merged) ? ' (from sequence)' : ''} into mapping`,
              );
            }
            for (const k of sortedKeys(m)) vals.set(k, prop(m, k));
          }
          continue;
        }
        if (key === null || key === undefined) throw nodeError(node, 'mapping key cannot be null');
        if (!isScalar(key)) throw nodeError(key as YamlNodeLike, 'only strings are allowed as mapping keys');
        let k: HclData;
        try {
          k = resolveYamlScalar(
            key.tag ?? '',
            String(key.source ?? ''),
            key.type === 'QUOTE_DOUBLE' || key.type === 'QUOTE_SINGLE',
          );
        } catch (e) {
          throw nodeError(key, (e as Error).message);
        }
        if (k === null) throw nodeError(key, 'mapping key cannot be null');
        vals.set((toStringValue(k) as { value: string }).value, decode(pair.value));
      }
      const v = makeObject(vals);
      complete(node.anchor, v);
      return v;
    }
    if (isSeq(node)) {
      if (node.tag && node.tag !== `${YAML_TAG}seq`) throw nodeError(node, `can't interpret sequence as ${node.tag}`);
      begin(node.anchor);
      const v = node.items.map(decode);
      complete(node.anchor, v);
      return v;
    }
    throw nodeError(node as YamlNodeLike, 'unexpected YAML node');
  };
  return decode(first.contents);
}

// ---------------------------------------------------------------------------
// YAML encoding: the libyaml emitter as go-cty-yaml drives it (block style)

interface ScalarAnalysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
  block: boolean;
}

function yamlIsPrintable(cp: number): boolean {
  return (
    cp === 0x0a ||
    (cp >= 0x20 && cp <= 0x7e) ||
    (cp >= 0xa0 && cp <= 0xd7ff) ||
    (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff)
  );
}

function yamlIsBreak(ch: string | undefined): boolean {
  return ch === '\r' || ch === '\n' || ch === '\u0085' || ch === '\u2028' || ch === '\u2029';
}

function yamlIsBlank(ch: string | undefined): boolean {
  return ch === ' ' || ch === '\t';
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value === '') return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true, block: false };
  const cps = codePoints(value);
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  cps.forEach((ch, i) => {
    const next = cps[i + 1];
    const followedByWhitespace = next === undefined || yamlIsBlank(next);
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (ch === '?' || ch === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (ch === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(ch)) {
      flowIndicators = true;
    } else if (ch === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (ch === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!yamlIsPrintable(ch.codePointAt(0) ?? 0)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cps.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (yamlIsBreak(ch)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cps.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = yamlIsBlank(ch) || yamlIsBreak(ch);
  });
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlain: true,
    blockPlain: true,
    singleQuoted: true,
    block: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (trailingSpace) a.block = false;
  if (breakSpace) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
  }
  if (spaceBreak || special) {
    a.flowPlain = false;
    a.blockPlain = false;
    a.singleQuoted = false;
    a.block = false;
  }
  if (lineBreaks) {
    a.flowPlain = false;
    a.blockPlain = false;
  }
  if (flowIndicators) a.flowPlain = false;
  if (blockIndicators) a.blockPlain = false;
  return a;
}

type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

class YamlEmitter {
  out = '';
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;
  private openEnded = false;
  private rootContext = false;
  private mappingContext = false;
  private simpleKeyContext = false;

  private put(ch: string): void {
    this.out += ch;
    this.column++;
  }

  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  private writeBreak(ch: string): void {
    if (ch === '\n') this.putBreak();
    else {
      this.out += ch;
      this.column = 0;
    }
  }

  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }

  private writeIndicator(
    indicator: string,
    needWhitespace: boolean,
    isWhitespace: boolean,
    isIndention: boolean,
  ): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (const ch of indicator) this.put(ch);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
    this.openEnded = false;
  }

  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? 2 : 0;
    else if (!indentless) this.indent += 2;
  }

  private popIndent(): void {
    this.indent = this.indents.pop() ?? -1;
  }

  document(v: HclData): string {
    this.node(v, true, false, false);
    this.writeIndent();
    if (this.openEnded) {
      this.writeIndicator('...', true, false, false);
      this.writeIndent();
    }
    return this.out;
  }

  private node(v: HclData, root: boolean, mapping: boolean, simpleKey: boolean): void {
    this.rootContext = root;
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    if (isList(v)) this.sequence(v);
    else if (isObject(v)) this.mapping(v);
    else this.scalar(v);
  }

  private scalarText(v: HclData): { text: string; style: ScalarStyle } {
    if (v === null) return { text: 'null', style: 'plain' };
    if (typeof v === 'boolean') return { text: v ? 'true' : 'false', style: 'plain' };
    if (typeof v === 'number') {
      const text =
        v === Number.POSITIVE_INFINITY ? '+.Inf' : v === Number.NEGATIVE_INFINITY ? '-.Inf' : numberToString(v);
      return { text, style: 'plain' };
    }
    const s = v as string;
    return { text: s, style: s.includes('\n') ? 'literal' : 'double' };
  }

  private selectStyle(style0: ScalarStyle, text: string, a: ScalarAnalysis): ScalarStyle {
    let style = style0;
    if (this.simpleKeyContext && a.multiline) style = 'double';
    if (style === 'plain') {
      if (!a.blockPlain) style = 'single';
      if (text === '' && this.simpleKeyContext) style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'literal' && (!a.block || this.simpleKeyContext)) style = 'double';
    return style;
  }

  private scalar(v: HclData): void {
    const { text, style: wanted } = this.scalarText(v);
    const a = analyzeScalar(text);
    const style = this.selectStyle(wanted, text, a);
    this.increaseIndent(true, false);
    const allowBreaks = !this.simpleKeyContext;
    if (style === 'plain') this.writePlain(text, allowBreaks);
    else if (style === 'single') this.writeSingle(text, allowBreaks);
    else if (style === 'double') this.writeDouble(text, allowBreaks);
    else this.writeLiteral(text);
    this.popIndent();
  }

  private isSimpleKey(k: string): boolean {
    const a = analyzeScalar(k);
    return !a.multiline && utf8Length(k) <= 128;
  }

  private sequence(v: HclList): void {
    if (v.length === 0) {
      this.writeIndicator('[', true, true, false);
      this.writeIndicator(']', false, false, false);
      return;
    }
    this.increaseIndent(false, this.mappingContext && !this.indention);
    for (const item of v) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, false, false, false);
    }
    this.popIndent();
  }

  private mapping(v: HclObject): void {
    const keys = sortedKeys(v);
    if (keys.length === 0) {
      this.writeIndicator('{', true, true, false);
      this.writeIndicator('}', false, false, false);
      return;
    }
    this.increaseIndent(false, false);
    for (const k of keys) {
      this.writeIndent();
      if (this.isSimpleKey(k)) {
        this.node(k, false, true, true);
        this.writeIndicator(':', false, false, false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, false, true, false);
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(prop(v, k), false, true, false);
    }
    this.popIndent();
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cps = codePoints(value);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && cps[i + 1] !== ' ') this.writeIndent();
        else this.put(ch);
        spaces = true;
      } else if (yamlIsBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
    if (this.rootContext) this.openEnded = true;
  }

  private writeSingle(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    const cps = codePoints(value);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && i > 0 && i < cps.length - 1 && cps[i + 1] !== ' ') {
          this.writeIndent();
        } else this.put(ch);
        spaces = true;
      } else if (yamlIsBreak(ch)) {
        if (!breaks && ch === '\n') this.putBreak();
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (ch === "'") this.put("'");
        this.put(ch);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDouble(value: string, allowBreaks: boolean): void {
    this.writeIndicator('"', true, false, false);
    const cps = codePoints(value);
    let spaces = false;
    const named = new Map<number, string>([
      [0, '0'],
      [7, 'a'],
      [8, 'b'],
      [9, 't'],
      [10, 'n'],
      [11, 'v'],
      [12, 'f'],
      [13, 'r'],
      [27, 'e'],
      [34, '"'],
      [92, '\\'],
      [133, 'N'],
      [160, '_'],
      [8232, 'L'],
      [8233, 'P'],
    ]);
    for (let i = 0; i < cps.length; i++) {
      const ch = cps[i] as string;
      const cp = ch.codePointAt(0) ?? 0;
      if (!yamlIsPrintable(cp) || cp === 0xfeff || yamlIsBreak(ch) || ch === '"' || ch === '\\') {
        this.put('\\');
        const name = named.get(cp);
        if (name !== undefined) this.put(name);
        else {
          const [letter, width] = cp <= 0xff ? ['x', 2] : cp <= 0xffff ? ['u', 4] : ['U', 8];
          this.put(letter);
          for (const d of cp.toString(16).toUpperCase().padStart(width, '0')) this.put(d);
        }
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > 80 && i > 0 && i < cps.length - 1) {
          this.writeIndent();
          if (cps[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    const cps = codePoints(value);
    if (cps[0] === ' ' || yamlIsBreak(cps[0])) this.writeIndicator('2', false, false, false);
    this.openEnded = false;
    // A '+' hint marks the document open-ended, but writing the hint clears that again, as in the Go port.
    const last = cps.at(-1);
    if (!yamlIsBreak(last)) this.writeIndicator('-', false, false, false);
    else if (cps.length === 1 || yamlIsBreak(cps.at(-2))) this.writeIndicator('+', false, false, false);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of cps) {
      if (yamlIsBreak(ch)) {
        this.writeBreak(ch);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// Paths as Go's path/filepath handles them on Unix

/** filepath.Clean. */
function goClean(path: string): string {
  if (path === '') return '.';
  const rooted = path.startsWith('/');
  const parts: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length > 0 && parts.at(-1) !== '..') parts.pop();
      else if (!rooted) parts.push('..');
      continue;
    }
    parts.push(part);
  }
  const joined = parts.join('/');
  if (rooted) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

function goJoin(...elems: string[]): string {
  const nonEmpty = elems.filter((e) => e !== '');
  return nonEmpty.length === 0 ? '' : goClean(nonEmpty.join('/'));
}

function goBase(path: string): string {
  if (path === '') return '.';
  const trimmed = path.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

function goDir(path: string): string {
  return goClean(path.slice(0, path.lastIndexOf('/') + 1));
}

function homeDir(): string {
  return process.env.HOME || os.homedir();
}

/** go-homedir's Expand. */
function expandHome(path: string): string {
  if (!path.startsWith('~')) return path;
  if (path.length > 1 && path[1] !== '/' && path[1] !== '\\') throw new Error('cannot expand user-specific home dir');
  return goJoin(homeDir(), path.slice(1));
}

function resolvePath(c: Call, path: string): string {
  let p: string;
  try {
    p = expandHome(path);
  } catch (e) {
    return c.fail(`failed to expand ~: ${(e as Error).message}`);
  }
  return goClean(p.startsWith('/') ? p : goJoin(c.ctx.baseDir, p));
}

function readFileBytes(c: Call, path: string): Buffer {
  const full = resolvePath(c, path);
  try {
    return fs.readFileSync(full);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return c.fail(`no file exists at ${full}`);
    return c.fail(`failed to read ${full}`);
  }
}

/** os.FileMode.String() of a stat result. */
function goFileMode(st: fs.Stats): string {
  let out = '';
  if (st.isDirectory()) out += 'd';
  if (st.isSymbolicLink()) out += 'L';
  if (st.isBlockDevice() || st.isCharacterDevice()) out += 'D';
  if (st.isFIFO()) out += 'p';
  if (st.isSocket()) out += 'S';
  if (st.mode & 0o4000) out += 'u';
  if (st.mode & 0o2000) out += 'g';
  if (st.isCharacterDevice()) out += 'c';
  if (st.mode & 0o1000) out += 't';
  const rwx = 'rwxrwxrwx';
  for (let i = 0; i < 9; i++) out += st.mode & (1 << (8 - i)) ? rwx[i] : '-';
  return out;
}

// ---------------------------------------------------------------------------
// fileset: bmatcuk/doublestar v1's Glob, as go-cty-funcs uses it

class BadPattern extends Error {}

function cpAt(s: string, i: number): [string, number] {
  const cp = s.codePointAt(i);
  if (cp === undefined) return ['', 0];
  const ch = String.fromCodePoint(cp);
  return [ch, ch.length];
}

function indexRuneWithEscaping(s: string, r: string): number {
  let end = s.indexOf(r);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') {
    const start = end + r.length;
    end = indexRuneWithEscaping(s.slice(start), r);
    if (end !== -1) end += start;
  }
  return end;
}

function lastIndexRuneWithEscaping(s: string, r: string): number {
  let end = s.lastIndexOf(r);
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') end = lastIndexRuneWithEscaping(s.slice(0, end - 1), r);
  return end;
}

function indexAnyWithEscaping(s: string, chars: string): number {
  let end = -1;
  for (let i = 0; i < s.length; i++) {
    if (chars.includes(s[i] as string)) {
      end = i;
      break;
    }
  }
  if (end === -1) return -1;
  if (end > 0 && s[end - 1] === '\\') {
    const start = end + cpAt(s, end)[1];
    const next = indexAnyWithEscaping(s.slice(start), chars);
    return next === -1 ? -1 : next + start;
  }
  return end;
}

function splitAlternatives(s: string): [string[], number] {
  const ret: string[] = [];
  let idx = 0;
  let braceCnt = 1;
  let esc = false;
  let start = 0;
  while (braceCnt > 0) {
    if (idx >= s.length) return [[], -1];
    const [r, adj] = cpAt(s, idx);
    if (esc) esc = false;
    else if (r === '\\') esc = true;
    else if (r === '{') braceCnt++;
    else if (r === '}') braceCnt--;
    else if (r === ',' && braceCnt === 1) {
      ret.push(s.slice(start, idx));
      start = idx + adj;
    }
    idx += adj;
  }
  ret.push(s.slice(start, idx - 1));
  return [ret, idx];
}

function isZeroLengthPattern(pattern: string): boolean {
  if (pattern === '' || pattern === '*' || pattern === '**') return true;
  if (pattern.startsWith('{')) {
    const [options, end] = splitAlternatives(pattern.slice(1));
    if (end === -1) throw new BadPattern();
    if (!isZeroLengthPattern(pattern.slice(1 + end))) return false;
    return options.some(isZeroLengthPattern);
  }
  return false;
}

/** doublestar's matchComponent: the patterns left to match later components, or undefined for no match. */
function matchComponent(pattern: string, name: string): string[] | undefined {
  let patIdx = 0;
  let nameIdx = 0;
  while (patIdx < pattern.length && nameIdx < name.length) {
    let [patRune, patAdj] = cpAt(pattern, patIdx);
    const [nameRune, nameAdj] = cpAt(name, nameIdx);
    if (patRune === '/') {
      patIdx++;
      break;
    }
    if (patRune === '\\') {
      patIdx += patAdj;
      [patRune, patAdj] = cpAt(pattern, patIdx);
      if (patRune === '') throw new BadPattern();
      if (patRune !== nameRune) return undefined;
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else if (patRune === '*') {
      patIdx += patAdj;
      if (patIdx >= pattern.length) return [];
      const [next, nextAdj] = cpAt(pattern, patIdx);
      if (next === '/') return [pattern.slice(patIdx + nextAdj)];
      for (let i = nameIdx; i < name.length; i += cpAt(name, i)[1]) {
        const m = matchComponent(pattern.slice(patIdx), name.slice(i));
        if (m !== undefined) return m;
      }
      return undefined;
    } else if (patRune === '[') {
      patIdx += patAdj;
      let endClass = indexRuneWithEscaping(pattern.slice(patIdx), ']');
      if (endClass === -1) throw new BadPattern();
      endClass += patIdx;
      const classRunes = codePoints(pattern.slice(patIdx, endClass));
      if (classRunes.length === 0) throw new BadPattern();
      let classIdx = classRunes[0] === '^' ? 1 : 0;
      let matchClass = false;
      while (classIdx < classRunes.length) {
        let low = classRunes[classIdx] as string;
        if (low === '-') throw new BadPattern();
        classIdx++;
        if (low === '\\') {
          if (classIdx >= classRunes.length) throw new BadPattern();
          low = classRunes[classIdx] as string;
          classIdx++;
        }
        let high = low;
        if (classRunes[classIdx] === '-') {
          classIdx++;
          if (classIdx >= classRunes.length) throw new BadPattern();
          high = classRunes[classIdx] as string;
          if (high === '-') throw new BadPattern();
          classIdx++;
          if (high === '\\') {
            if (classIdx >= classRunes.length) throw new BadPattern();
            high = classRunes[classIdx] as string;
            classIdx++;
          }
        }
        const n = nameRune.codePointAt(0) ?? 0;
        if ((low.codePointAt(0) ?? 0) <= n && n <= (high.codePointAt(0) ?? 0)) matchClass = true;
      }
      if (matchClass === (classRunes[0] === '^')) return undefined;
      patIdx = endClass + 1;
      nameIdx += nameAdj;
    } else if (patRune === '{') {
      patIdx += patAdj;
      const [options, endOptions] = splitAlternatives(pattern.slice(patIdx));
      if (endOptions === -1) throw new BadPattern();
      patIdx += endOptions;
      const results: string[] = [];
      let matched = false;
      for (const o of options) {
        const m = matchComponent(o + pattern.slice(patIdx), name.slice(nameIdx));
        if (m !== undefined) {
          matched = true;
          results.push(...m);
        }
      }
      return matched ? results : undefined;
    } else if (patRune === '?' || patRune === nameRune) {
      patIdx += patAdj;
      nameIdx += nameAdj;
    } else {
      return undefined;
    }
  }
  if (nameIdx >= name.length) {
    if (patIdx >= pattern.length) return [];
    const rest = pattern.slice(patIdx);
    const slashIdx = indexRuneWithEscaping(rest, '/');
    const testPattern = slashIdx >= 0 ? rest.slice(0, slashIdx) : rest;
    if (isZeroLengthPattern(testPattern)) return slashIdx === -1 ? [] : [rest.slice(slashIdx + 1)];
  }
  return undefined;
}

function lstat(path: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(path);
  } catch {
    return undefined;
  }
}

function stat(path: string): fs.Stats | undefined {
  try {
    return fs.statSync(path);
  } catch {
    return undefined;
  }
}

function doGlob(basedir0: string, pattern0: string, matches: string[]): void {
  let basedir = basedir0;
  let pattern = pattern0;
  let globIdx = indexAnyWithEscaping(pattern, '*?[{\\');
  if (globIdx > 0) globIdx = lastIndexRuneWithEscaping(pattern.slice(0, globIdx), '/');
  else if (globIdx === -1) globIdx = lastIndexRuneWithEscaping(pattern, '/');
  if (globIdx > 0) {
    basedir = goJoin(basedir, pattern.slice(0, globIdx));
    pattern = pattern.slice(globIdx + 1);
  }
  let fi = lstat(basedir);
  if (fi === undefined) return;
  if (pattern === '') {
    matches.push(basedir);
    return;
  }
  if (fi.isSymbolicLink()) fi = stat(basedir);
  if (fi === undefined || !fi.isDirectory() || basedir.length > 4096) return;
  let files: fs.Dirent[];
  try {
    files = fs.readdirSync(basedir, { withFileTypes: true });
  } catch {
    return;
  }
  files.sort((a, b) => compareStrings(a.name, b.name));
  let slashIdx = indexRuneWithEscaping(pattern, '/');
  const lastComponent = slashIdx === -1;
  if (lastComponent) slashIdx = pattern.length;
  if (pattern.slice(0, slashIdx) === '**') {
    for (const file of files) {
      const path = goJoin(basedir, file.name);
      const isDir = file.isSymbolicLink() ? stat(path)?.isDirectory() : file.isDirectory();
      if (isDir === undefined) continue;
      if (isDir) {
        if (lastComponent) matches.push(path);
        doGlob(path, pattern, matches);
      } else if (lastComponent) {
        matches.push(path);
      }
    }
    if (lastComponent) return;
    pattern = pattern.slice(slashIdx + 1);
  }
  for (const file of files) {
    const match = matchComponent(pattern, file.name);
    if (match === undefined) continue;
    const path = goJoin(basedir, file.name);
    if (match.length === 0) matches.push(path);
    else for (const alt of match) doGlob(path, alt, matches);
  }
}

/** doublestar.Glob (v1). */
function glob(pattern: string): string[] {
  if (pattern === '') return [];
  if (pattern.startsWith('{')) {
    const [options, end] = splitAlternatives(pattern.slice(1));
    if (end === -1) throw new BadPattern();
    return options.flatMap((o) => glob(o + pattern.slice(1 + end)));
  }
  const matches: string[] = [];
  if (pattern.startsWith('/')) doGlob('/', pattern.slice(1), matches);
  else doGlob('.', pattern, matches);
  return matches;
}

// ---------------------------------------------------------------------------
// Encoding and crypto

/** url.QueryEscape. */
function queryEscape(s: string): string {
  let out = '';
  for (const byte of Buffer.from(s, 'utf8')) {
    const ch = String.fromCharCode(byte);
    if (/[A-Za-z0-9\-_.~]/.test(ch)) out += ch;
    else if (ch === ' ') out += '+';
    else out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

function utf8Decode(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function hash(algorithm: string): Definition {
  return define('str', (c) => createHash(algorithm).update(c.str(0), 'utf8').digest('hex'));
}

const UUID_NAMESPACES: Readonly<Record<string, string>> = {
  dns: '6ba7b810-9dad-11d1-80b4-00c04fd430c8',
  url: '6ba7b811-9dad-11d1-80b4-00c04fd430c8',
  oid: '6ba7b812-9dad-11d1-80b4-00c04fd430c8',
  x500: '6ba7b814-9dad-11d1-80b4-00c04fd430c8',
};

/** google/uuid's Parse: the bytes of a UUID, or an error message. */
function parseUuid(s: string): Buffer | string {
  let hex: string;
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return 'invalid UUID format';
    hex = s.replace(/-/g, '');
  } else if (s.length === 38) {
    if (!s.startsWith('{') || !s.endsWith('}')) return 'invalid UUID format';
    return parseUuid(s.slice(1, -1));
  } else if (s.length === 45) {
    if (!s.toLowerCase().startsWith('urn:uuid:')) return `invalid urn prefix: ${goQuote(s.slice(0, 9))}`;
    return parseUuid(s.slice(9));
  } else if (s.length === 32) {
    hex = s;
  } else {
    return `invalid UUID length: ${s.length}`;
  }
  return /^[0-9a-fA-F]{32}$/.test(hex) ? Buffer.from(hex, 'hex') : 'invalid UUID format';
}

function uuidString(b: Buffer): string {
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function modPow(base0: bigint, exp0: bigint, mod: bigint): bigint {
  let result = 1n;
  let base = base0 % mod;
  let exp = exp0;
  while (exp > 0n) {
    if (exp & 1n) result = (result * base) % mod;
    base = (base * base) % mod;
    exp >>= 1n;
  }
  return result;
}

function base64UrlToBigInt(s: string): bigint {
  const hex = Buffer.from(s, 'base64url').toString('hex');
  return hex === '' ? 0n : BigInt(`0x${hex}`);
}

/** Whether DER data is a PKCS #8 key: SEQUENCE { INTEGER, SEQUENCE, ... } where PKCS #1 has INTEGERs. */
function derIsPkcs8(der: Buffer): boolean {
  let i = 0;
  const header = (): number | undefined => {
    const tag = der[i];
    let len = der[i + 1];
    if (tag === undefined || len === undefined) return undefined;
    i += 2;
    if (len & 0x80) {
      const n = len & 0x7f;
      len = 0;
      for (let k = 0; k < n; k++) len = len * 256 + (der[i++] ?? 0);
    }
    if (tag === 0x02) i += len;
    return tag;
  };
  return header() === 0x30 && header() === 0x02 && header() === 0x30;
}

/** go-cty-funcs' rsadecrypt: a PEM PKCS #1 private key and RSA PKCS #1 v1.5 decryption. */
function rsaDecrypt(c: Call, ciphertext: string, keyText: string): string {
  const cipher = strictBase64(ciphertext);
  if (cipher === undefined) {
    return c.fail(`failed to decode input ${goQuote(ciphertext)}: cipher text must be base64-encoded`);
  }
  const block = /-----BEGIN ([^-\n]*)-----\r?\n([\s\S]*?)-----END \1-----/.exec(keyText);
  if (!block) return c.fail('failed to parse key: no key found');
  const body = block[2] as string;
  const headerEnd = body.search(/\r?\n\r?\n/);
  const headers = headerEnd >= 0 && /^[\w-]+:/.test(body) ? body.slice(0, headerEnd) : '';
  if (/^Proc-Type:\s*4,ENCRYPTED\s*$/m.test(headers)) {
    return c.fail(
      'failed to parse key: password protected keys are not supported. Please decrypt the key prior to use',
    );
  }
  const der = Buffer.from((headers === '' ? body : body.slice(headerEnd)).replace(/\s+/g, ''), 'base64');
  if (derIsPkcs8(der)) {
    return c.fail('x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)');
  }
  let n: bigint;
  let d: bigint;
  try {
    const jwk = createPrivateKey({ key: der, format: 'der', type: 'pkcs1' }).export({ format: 'jwk' });
    n = base64UrlToBigInt(jwk.n ?? '');
    d = base64UrlToBigInt(jwk.d ?? '');
  } catch {
    return c.fail('x509: failed to parse private key: the PEM block is not a PKCS #1 RSA private key');
  }
  const k = Math.ceil(bitLength(n) / 8);
  const cInt = cipher.length === 0 ? 0n : BigInt(`0x${cipher.toString('hex')}`);
  if (k < 11 || cipher.length > k || cInt >= n) return c.fail('crypto/rsa: decryption error');
  const em = Buffer.from(
    modPow(cInt, d, n)
      .toString(16)
      .padStart(k * 2, '0'),
    'hex',
  );
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) return c.fail('crypto/rsa: decryption error');
  return new TextDecoder().decode(em.subarray(sep + 1));
}

// ---------------------------------------------------------------------------
// The functions

function plainZero(n: number): number {
  return n === 0 ? 0 : n;
}

function finiteResult(c: Call, n: number): number {
  return Number.isNaN(n) ? c.fail('result is not a number') : plainZero(n);
}

/** big.Int.SetString(s, base) for base 2 to 62. */
function parseBigInt(s: string, base: number): bigint | undefined {
  let t = s;
  let neg = false;
  if (t.startsWith('+') || t.startsWith('-')) {
    neg = t.startsWith('-');
    t = t.slice(1);
  }
  if (t === '') return undefined;
  let v = 0n;
  const b = BigInt(base);
  for (const ch of t) {
    const code = ch.charCodeAt(0);
    let d: number;
    if (ch >= '0' && ch <= '9') d = code - 48;
    else if (ch >= 'a' && ch <= 'z') d = code - 97 + 10;
    else if (ch >= 'A' && ch <= 'Z') d = code - 65 + (base <= 36 ? 10 : 36);
    else return undefined;
    if (d >= base) return undefined;
    v = v * b + BigInt(d);
  }
  return neg ? -v : v;
}

/** cty's substr, grapheme by grapheme, with its handling of negative offsets and lengths. */
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

function toSet(c: Call, i: number): HclList {
  const v = c.arg(i);
  if (!isList(v)) return c.argFail(i, `set required, received ${describe(v)}`);
  return v;
}

/** The sets of a set function, with element types unified across all of them. */
function setArguments(c: Call): HclData[][] {
  const sets = c.args.map((_, i) => toSet(c, i));
  const all = unifyValues(sets.flat());
  if (all === undefined) return c.fail('given sets must all have compatible element types');
  let at = 0;
  return sets.map((s) => {
    const start = at;
    at += s.length;
    return distinctValues(all.slice(start, at));
  });
}

function flattenDeep(list: HclList): HclData[] {
  return list.flatMap((v) => (isList(v) ? flattenDeep(v) : [v]));
}

const DEFINITIONS: Readonly<Record<string, Definition>> = {
  // Numeric functions (cty stdlib number.go)
  abs: define('num', (c) => plainZero(Math.abs(c.num(0)))),
  ceil: define('num', (c) => plainZero(Math.ceil(c.num(0)))),
  floor: define('num', (c) => plainZero(Math.floor(c.num(0)))),
  log: define('num, base', (c) => finiteResult(c, Math.log(c.num(0)) / Math.log(c.num(1)))),
  pow: define('num, power', (c) => finiteResult(c, c.num(0) ** c.num(1))),
  signum: define('num', (c) => Math.sign(c.int(0))),
  parseint: define('number, base', (c) => {
    const s = c.arg(0);
    if (typeof s !== 'string') return c.argFail(0, `first argument must be a string, not ${describe(s)}`);
    const base = c.int(1);
    if (base < 2 || base > 62) return c.argFail(1, 'base must be a whole number between 2 and 62 inclusive');
    const v = parseBigInt(s, base);
    return v === undefined ? c.argFail(0, `cannot parse ${goQuote(s)} as a base ${base} integer`) : Number(v);
  }),
  max: define('numbers...', (c) => Math.max(...c.args.map((_, i) => c.num(i))), { min: 1 }),
  min: define('numbers...', (c) => Math.min(...c.args.map((_, i) => c.num(i))), { min: 1 }),

  // String functions (cty stdlib string.go, string_replace.go, format.go)
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
          results.push(formatValues(format, values));
        } catch (e) {
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
    return c.str(1).replaceAll('\n', `\n${' '.repeat(spaces)}`);
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
      return items.join(sep);
    },
    { min: 2 },
  ),
  lower: define('str', (c) => goToLower(c.str(0))),
  upper: define('str', (c) => goToUpper(c.str(0))),
  replace: define('str, substr, replace', (c) => goReplaceAll(c.str(0), c.str(1), c.str(2))),
  regex_replace: define('str, pattern, replace', (c) => {
    const str = c.str(0);
    let re: RegExp;
    try {
      re = translateGoRegexp(c.str(1));
    } catch (e) {
      return c.argFail(1, (e as Error).message);
    }
    return goReplaceAllRegexp(re, str, c.str(2));
  }),
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

  // Collection functions (cty stdlib collection.go, sequence.go, set.go)
  chunklist: define('list, size', (c) => {
    const list = c.unifiedList(0);
    const size = c.int(1);
    if (size < 0) return c.argFail(1, `the size argument must be positive, received ${size}`);
    if (list.length === 0) return [];
    if (size === 0) return [list];
    const out: HclData[] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    return out;
  }),
  coalesce: define(
    'vals...',
    (c) => {
      const unified = unifyValues(c.args);
      if (unified === undefined) {
        return c.fail(`all arguments must have the same type, received ${c.args.map(describe).join(', ')}`);
      }
      const found = unified.find((v) => v !== null);
      return found === undefined ? c.fail('no non-null arguments') : found;
    },
    { min: 1, nullable: true },
  ),
  coalescelist: define(
    'vals...',
    (c) => {
      for (const [i, arg] of c.args.entries()) {
        if (arg !== null && !isList(arg))
          return c.argFail(i, `coalescelist arguments must be lists or tuples, received ${describe(arg)}`);
      }
      const found = c.args.find((arg) => isList(arg) && arg.length > 0);
      return found === undefined ? c.fail('no non-null arguments') : found;
    },
    { min: 1, nullable: true },
  ),
  compact: define('list', (c) => c.stringList(0).filter((s): s is string => s !== null && s !== '')),
  concat: define(
    'seqs...',
    (c) =>
      c.args.flatMap((arg, i) =>
        isList(arg) ? arg : c.argFail(i, `all arguments must be lists or tuples; got ${describe(arg)}`),
      ),
    { min: 1 },
  ),
  contains: define('list, value', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `argument must be list, tuple, or set, received ${describe(list)}`);
    const value = c.arg(1);
    return list.some((el) => deepEqual(value, el));
  }),
  distinct: define('list', (c) => distinctValues(c.unifiedList(0))),
  element: define('list, index', (c) => {
    const index = c.num(1);
    if (index < 0) return c.argFail(1, 'cannot use element function with a negative index');
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `cannot read elements from ${describe(list)}`);
    const i = asGoInt(index);
    if (i === undefined) return c.argFail(1, `invalid index: ${WHOLE_NUMBER}`);
    if (list.length === 0) return c.argFail(0, 'cannot use element function with an empty list');
    return list[i % list.length] as HclData;
  }),
  flatten: define('list', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `can only flatten lists, sets and tuples, received ${describe(list)}`);
    return flattenDeep(list);
  }),
  index: define('collection, key', (c) => {
    const coll = c.arg(0);
    const key = c.arg(1);
    if (isList(coll)) {
      if (typeof key !== 'number') return c.argFail(1, `key for tuple must be number, received ${describe(key)}`);
      const i = asGoInt(key);
      if (i === undefined) return c.argFail(1, `invalid key for tuple: ${WHOLE_NUMBER}`);
      if (i < 0 || i >= coll.length) return c.argFail(1, `key must be between 0 and ${coll.length} inclusive`);
      return coll[i] as HclData;
    }
    if (isObject(coll)) {
      if (typeof key !== 'string') return c.argFail(1, `key for map must be string, received ${describe(key)}`);
      return hasProp(coll, key) ? prop(coll, key) : c.fail(`invalid index ${goQuote(key)}`);
    }
    return c.argFail(0, `collection must be a list, a map or a tuple, received ${describe(coll)}`);
  }),
  keys: define('inputMap', (c) => {
    const m = c.arg(0);
    return isObject(m) ? sortedKeys(m) : c.argFail(0, `must have map or object type, received ${describe(m)}`);
  }),
  length: define('collection', (c) => {
    const v = c.arg(0);
    if (isList(v)) return v.length;
    if (isObject(v)) return Object.keys(v).length;
    return c.argFail(
      0,
      `collection must be a list, a map or a tuple, received ${describe(v)}${typeof v === 'string' ? ' (use strlen for a string)' : ''}`,
    );
  }),
  lookup: define('inputMap, key, default', (c) => {
    const m = c.map(0, 'lookup() requires a map as the first argument');
    const key = c.str(1);
    return hasProp(m, key) ? prop(m, key) : c.arg(2);
  }),
  merge: define(
    'maps...',
    (c) => {
      const out = new Map<string, HclData>();
      for (const [i, arg] of c.args.entries()) {
        if (arg === null) continue;
        if (!isObject(arg)) return c.argFail(i, `arguments must be maps or objects, got ${goQuote(describe(arg))}`);
        for (const k of Object.keys(arg)) out.set(k, prop(arg, k));
      }
      return makeObject(out);
    },
    { min: 0, nullable: true },
  ),
  range: define(
    'params...',
    (c) => {
      const args = c.args.map((_, i) => c.num(i));
      let [start, end, step] = [0, 0, 1];
      if (args.length === 1) [end, step] = [args[0] as number, (args[0] as number) < 0 ? -1 : 1];
      else if (args.length === 2)
        [start, end, step] = [args[0] as number, args[1] as number, (args[1] as number) < (args[0] as number) ? -1 : 1];
      else [start, end, step] = args as [number, number, number];
      if (step === 0) return c.argFail(2, 'step must not be zero');
      const down = step < 0;
      if (down && end > start) return c.argFail(1, 'end must be less than start when step is negative');
      if (!down && end < start) return c.argFail(1, 'end must be greater than start when step is positive');
      const out: number[] = [];
      for (let num = start; down ? num > end : num < end; num += step) {
        if (out.length >= 1024) {
          return c.fail(
            'more than 1024 values were generated; either decrease the difference between start and end or use a smaller step',
          );
        }
        out.push(num);
      }
      return out;
    },
    { min: 1, max: 3 },
  ),
  // Nomad binds reverse to cty's string ReverseFunc, so it reverses a string (like strrev), not a list.
  reverse: define('str', stringReverse),
  setintersection: define(
    'first_set, other_sets...',
    (c) => {
      const [first = [], ...others] = setArguments(c);
      return sortSet(first.filter((v) => others.every((s) => s.some((x) => deepEqual(x, v)))));
    },
    { min: 1 },
  ),
  setproduct: define(
    'sets...',
    (c) => {
      const sets = c.args.map((_, i) => {
        const list = c.seq(i, 'a set or a list');
        return unifyValues(list) ?? c.argFail(i, 'all elements must be of the same type');
      });
      let product: HclData[][] = [[]];
      for (const set of sets) product = product.flatMap((prefix) => set.map((v) => [...prefix, v]));
      return product;
    },
    { min: 2 },
  ),
  setunion: define('first_set, other_sets...', (c) => sortSet(distinctValues(setArguments(c).flat())), { min: 1 }),
  slice: define('list, start_index, end_index', (c) => {
    const list = c.arg(0);
    if (!isList(list)) return c.argFail(0, `must be a list or tuple value, received ${describe(list)}`);
    const start = c.int(1);
    const end = c.int(2);
    if (start < 0) return c.argFail(1, 'start index must not be less than zero');
    if (start > list.length) return c.argFail(1, 'start index must not be greater than the length of the list');
    if (end < 0) return c.argFail(2, 'end index must not be less than zero');
    if (end > list.length) return c.argFail(2, 'end index must not be greater than the length of the list');
    if (start > end) return c.argFail(1, 'start index must not be greater than end index');
    return list.slice(start, end);
  }),
  sort: define('list', (c) =>
    c
      .stringList(0)
      .map((s, i) => (s === null ? c.fail(`given list element ${i} is null; a null string cannot be sorted`) : s))
      .sort(compareStrings),
  ),
  values: define('values', (c) => {
    const m = c.map(0, 'values() requires a map as the first argument');
    return sortedKeys(m).map((k) => prop(m, k));
  }),
  zipmap: define('keys, values', (c) => {
    const keys = c.stringList(0);
    const values = c.arg(1);
    if (!isList(values))
      return c.argFail(1, `values argument must be a list or tuple value, received ${describe(values)}`);
    if (keys.length !== values.length) {
      return c.fail(`number of keys (${keys.length}) does not match number of values (${values.length})`);
    }
    return makeObject(
      keys.map((k, i) => [k ?? c.argFail(0, `keys list has null value at index ${i}`), values[i] as HclData]),
    );
  }),

  // Encoding functions (go-cty-funcs encoding, cty stdlib csv.go and json.go, go-cty-yaml)
  base64decode: define('str', (c) => {
    const s = c.str(0);
    const bytes = strictBase64(s);
    if (bytes === undefined) return c.fail(`failed to decode base64 data '${s}'`);
    return utf8Decode(bytes) ?? c.fail('the result of decoding the the provided string is not valid UTF-8');
  }),
  base64encode: define('str', (c) => Buffer.from(c.str(0), 'utf8').toString('base64')),
  urlencode: define('str', (c) => queryEscape(c.str(0))),
  csvdecode: define('str', (c) => {
    try {
      return csvDecode(c.str(0));
    } catch (e) {
      return c.fail((e as Error).message);
    }
  }),
  jsondecode: define('str', (c) => {
    try {
      return jsonDecode(c.str(0));
    } catch (e) {
      return c.argFail(0, (e as Error).message);
    }
  }),
  jsonencode: define(
    'val',
    (c) => {
      try {
        return jsonEncode(c.arg(0));
      } catch (e) {
        return c.fail((e as Error).message);
      }
    },
    { nullable: true },
  ),
  yamldecode: define('src', (c) => {
    try {
      return yamlDecode(c.str(0));
    } catch (e) {
      return c.fail((e as Error).message);
    }
  }),
  yamlencode: define('value', (c) => new YamlEmitter().document(c.arg(0)), { nullable: true }),

  // Hash and crypto functions (go-cty-funcs crypto, uuid)
  md5: hash('md5'),
  sha1: hash('sha1'),
  sha256: hash('sha256'),
  sha512: hash('sha512'),
  rsadecrypt: define('ciphertext, privatekey', (c) => rsaDecrypt(c, c.str(0), c.str(1))),
  uuidv4: define('', () => randomUUID()),
  uuidv5: define('namespace, name', (c) => {
    const ns = c.str(0);
    const parsed = parseUuid(UUID_NAMESPACES[ns] ?? ns);
    if (typeof parsed === 'string') return c.argFail(0, `uuidv5() doesn't support namespace ${ns} (${parsed})`);
    const digest = createHash('sha1').update(parsed).update(c.str(1), 'utf8').digest().subarray(0, 16);
    digest[6] = ((digest[6] as number) & 0x0f) | 0x50;
    digest[8] = ((digest[8] as number) & 0x3f) | 0x80;
    return uuidString(digest);
  }),

  // IP network functions (go-cty-funcs cidr)
  cidrhost: define('prefix, hostnum', (c) => {
    const hostnum = c.int(1);
    try {
      return cidrHost(parseCidr(c.str(0)), hostnum);
    } catch (e) {
      return c.fail(withCidrContext(e));
    }
  }),
  cidrnetmask: define('prefix', (c) => {
    try {
      const net = parseCidr(c.str(0));
      return ipString(maskOf(net.prefix, net.bits), net.bits);
    } catch (e) {
      return c.fail(withCidrContext(e));
    }
  }),
  cidrsubnet: define('prefix, newbits, netnum', (c) => {
    const newbits = c.int(1);
    const netnum = c.int(2);
    let net: IpNet;
    try {
      net = parseCidr(c.str(0));
    } catch (e) {
      return c.fail(withCidrContext(e));
    }
    if (newbits > 32) return c.argFail(1, 'may not extend prefix by more than 32 bits');
    try {
      return netString(cidrSubnet(net, newbits, netnum));
    } catch (e) {
      return c.fail((e as Error).message);
    }
  }),
  cidrsubnets: define(
    'prefix, newbits...',
    (c) => {
      let net: IpNet;
      try {
        net = parseCidr(c.str(0));
      } catch (e) {
        return c.argFail(0, withCidrContext(e));
      }
      return cidrSubnets(
        c,
        net,
        c.args.slice(1).map((_, i) => c.int(i + 1)),
      );
    },
    { min: 1 },
  ),

  // Date and time functions (cty stdlib datetime.go)
  formatdate: define('format, time', (c) => {
    const format = c.str(0);
    let t: GoTime;
    try {
      t = parseTimestamp(c.str(1));
    } catch (e) {
      return c.argFail(1, (e as Error).message);
    }
    try {
      return formatDate(format, t);
    } catch (e) {
      return c.argFail(0, (e as Error).message);
    }
  }),
  timeadd: define('timestamp, duration', (c) => {
    try {
      const t = parseTimestamp(c.str(0));
      const d = parseDuration(c.str(1));
      return formatRfc3339({ ns: t.ns + d, offset: t.offset });
    } catch (e) {
      return c.fail((e as Error).message);
    }
  }),

  // Filesystem functions (go-cty-funcs filesystem), guarded by the context's allowFs
  abspath: define(
    'path',
    (c) => {
      const p = c.str(0);
      return p.startsWith('/') ? goClean(p) : goJoin(process.cwd(), p);
    },
    { fs: true },
  ),
  basename: define('path', (c) => goBase(c.str(0)), { fs: true }),
  dirname: define('path', (c) => goDir(c.str(0)), { fs: true }),
  file: define(
    'path',
    (c) => {
      const path = c.str(0);
      const text = utf8Decode(readFileBytes(c, path));
      return (
        text ??
        c.fail(
          `contents of ${path} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents or the other file functions (e.g. filemd5, filesha256) to obtain file hashing results instead`,
        )
      );
    },
    { fs: true },
  ),
  filebase64: define('path', (c) => readFileBytes(c, c.str(0)).toString('base64'), { fs: true }),
  fileexists: define(
    'path',
    (c) => {
      const full = resolvePath(c, c.str(0));
      let st: fs.Stats;
      try {
        st = fs.statSync(full);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        return c.fail(`failed to stat ${full}`);
      }
      return st.isFile() ? true : c.fail(`${full} is not a regular file, but ${goQuote(goFileMode(st))}`);
    },
    { fs: true },
  ),
  fileset: define(
    'path, pattern',
    (c) => {
      let base = c.str(0);
      if (!base.startsWith('/')) base = goJoin(c.ctx.baseDir, base);
      const pattern = goJoin(base, c.str(1));
      let matches: string[];
      try {
        matches = glob(pattern);
      } catch (e) {
        if (e instanceof BadPattern) return c.fail(`failed to glob pattern (${pattern}): syntax error in pattern`);
        throw e;
      }
      const out: string[] = [];
      for (const match of matches) {
        let st: fs.Stats;
        try {
          st = fs.statSync(match);
        } catch (e) {
          return c.fail(
            `failed to stat (${match}): stat ${match}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : (e as Error).message}`,
          );
        }
        if (!st.isFile()) continue;
        out.push(nodePath.posix.relative(nodePath.posix.resolve(base), nodePath.posix.resolve(match)));
      }
      return sortSet(distinctValues(out));
    },
    { fs: true },
  ),
  pathexpand: define(
    'path',
    (c) => {
      try {
        return expandHome(c.str(0));
      } catch (e) {
        return c.fail((e as Error).message);
      }
    },
    { fs: true },
  ),
};

function withCidrContext(e: unknown): string {
  const message = (e as Error).message;
  return message.startsWith('invalid CIDR address') ? `invalid CIDR expression: ${message}` : message;
}

/**
 * Every function Nomad's jobspec parser offers, by name, except try and can
 * (the evaluator implements those since they need unevaluated arguments),
 * convert (it needs type expressions) and bcrypt (its result is salted at
 * random, so a job using it never renders the same twice).
 */
export const HCL_FUNCTIONS: Readonly<Record<string, HclFunction>> = Object.freeze(
  Object.fromEntries(Object.entries(DEFINITIONS).map(([name, def]) => [name, bind(name, def)])),
);
