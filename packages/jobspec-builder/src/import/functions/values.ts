import { codePoints, isAscii } from '../../go/strings';
import { numberToString, parseNumber } from './number-text';

// Evaluated HCL values and the cty conventions every function family shares: kinds, ordering, equality, Go quoting,
// conversions.

/** An evaluated HCL value. Lists, tuples and sets are arrays; objects and maps are plain objects. */
export type HclData = string | number | boolean | null | readonly HclData[] | { readonly [key: string]: HclData };
export type HclObject = { readonly [key: string]: HclData };
export type HclList = readonly HclData[];

// ---------------------------------------------------------------------------
// Values

export function isList(v: HclData): v is HclList {
  return Array.isArray(v);
}

export function isObject(v: HclData): v is HclObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The kind of a value as HCL names it, for messages. */
export function describe(v: HclData): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return isList(v) ? 'list' : 'object';
}

/** An object from entries; `__proto__` becomes an ordinary key. */
export function makeObject(entries: Iterable<readonly [string, HclData]>): HclObject {
  return Object.fromEntries(entries) as HclObject;
}

export function prop(o: HclObject, key: string): HclData {
  return o[key] as HclData;
}

export function hasProp(o: HclObject, key: string): boolean {
  return Object.hasOwn(o, key);
}

/** Compares strings by code point, which is the byte order of their UTF-8 encoding that Go sorts by. */
export function compareStrings(a: string, b: string): number {
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
export function sortedKeys(o: HclObject): string[] {
  return Object.keys(o).sort(compareStrings);
}

/** cty's Value.Equals for known values: same kind and same content. */
export function deepEqual(a: HclData, b: HclData): boolean {
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

let segmenter: Intl.Segmenter | undefined;

/** Extended grapheme clusters, which cty counts as characters (go-textseg). */
export function graphemes(s: string): string[] {
  if (/^[\x20-\x7e]*$/.test(s)) return s.split('');
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return Array.from(segmenter.segment(s), (x) => x.segment);
}

export function normalizeDeep(v: HclData): HclData {
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
export function goQuote(s: string): string {
  return `"${codePoints(s)
    .map((ch) => goEscapeRune(ch, '"'))
    .join('')}"`;
}

/** Go's `%q` of a rune (strconv.QuoteRune). */
export function goQuoteRune(ch: string): string {
  return `'${goEscapeRune(ch, "'")}'`;
}

// ---------------------------------------------------------------------------
// Conversions, as cty's convert package does them for function arguments

export type Converted<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

export function toStringValue(v: HclData): Converted<string> {
  if (typeof v === 'string') return { ok: true, value: v };
  if (typeof v === 'number') return { ok: true, value: numberToString(v) };
  if (typeof v === 'boolean') return { ok: true, value: v ? 'true' : 'false' };
  return { ok: false, error: 'string required' };
}

export function toNumberValue(v: HclData): Converted<number> {
  if (typeof v === 'number') return { ok: true, value: v };
  if (typeof v === 'string') {
    const n = parseNumber(v);
    return n === undefined ? { ok: false, error: 'a number is required' } : { ok: true, value: n };
  }
  return { ok: false, error: 'number required' };
}

export function toBoolValue(v: HclData): Converted<boolean> {
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
export function unifyValues(values: HclList): HclList | undefined {
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
export function sortSet(values: HclData[]): HclData[] {
  const first = values.find((v) => v !== null);
  if (typeof first === 'string') return values.sort((a, b) => compareStrings(String(a), String(b)));
  if (typeof first === 'number') return values.sort((a, b) => Number(a) - Number(b));
  if (typeof first === 'boolean') return values.sort((a, b) => Number(a) - Number(b));
  return values;
}

/** The values without repeats (by {@link deepEqual}), first occurrences in order; linear, by {@link valueKey}. */
export function distinctValues(values: HclList): HclData[] {
  const seen = new Set<string>();
  const out: HclData[] = [];
  for (const v of values) {
    const key = valueKey(v);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

/**
 * A text that two values share exactly when they are {@link deepEqual}: each value tagged with its kind, objects by
 * sorted keys.
 */
export function valueKey(v: HclData): string {
  if (v === null) return 'z';
  if (typeof v === 'string') return `s${JSON.stringify(v)}`;
  if (typeof v === 'number') return `n${Object.is(v, -0) ? 0 : v}`;
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (isList(v)) return `[${v.map(valueKey).join(',')}]`;
  return `{${sortedKeys(v)
    .map((k) => `${JSON.stringify(k)}:${valueKey(prop(v, k))}`)
    .join(',')}}`;
}

// ---------------------------------------------------------------------------
// Bytes
export function strictBase64(s: string): Buffer | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

export function utf8Decode(bytes: Buffer): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}
