import { type Call, type Definition, define } from './call';
import { describe, goQuote } from './values';

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
  // Past 2^1100 the result is an infinite double whatever follows; the rest is only checked, which keeps a long
  // number linear (BigInt arithmetic on it would be quadratic).
  const beyondDoubles = 1n << 1100n;
  for (const ch of t) {
    const code = ch.charCodeAt(0);
    let d: number;
    if (ch >= '0' && ch <= '9') d = code - 48;
    else if (ch >= 'a' && ch <= 'z') d = code - 97 + 10;
    else if (ch >= 'A' && ch <= 'Z') d = code - 65 + (base <= 36 ? 10 : 36);
    else return undefined;
    if (d >= base) return undefined;
    if (v < beyondDoubles) v = v * b + BigInt(d);
  }
  return neg ? -v : v;
}

/** Numeric functions (cty stdlib number.go). */
export const NUMBER_FUNCTIONS: Readonly<Record<string, Definition>> = {
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
  // A loop rather than Math.max(...args): `max(list...)` may pass more arguments than a call can take.
  max: define(
    'numbers...',
    (c) => c.args.reduce<number>((m, _, i) => Math.max(m, c.num(i)), Number.NEGATIVE_INFINITY),
    { min: 1 },
  ),
  min: define(
    'numbers...',
    (c) => c.args.reduce<number>((m, _, i) => Math.min(m, c.num(i)), Number.POSITIVE_INFINITY),
    { min: 1 },
  ),
};
