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

export function bitLength(n: bigint): number {
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
export function floatText(x: number, fmt: string, precision: number): string {
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
export function numberToString(n: number): string {
  return floatText(n, 'f', -1);
}

/** cty.ParseNumberVal: big.ParseFloat in base 10. */
export function parseNumber(s: string): number | undefined {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  if (/^[+-]?[Ii]nf$/.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

const INT64_BOUND = 2 ** 63;

/** gocty.FromCtyValue into a Go int: a whole number within int64. */
export function asGoInt(n: number): number | undefined {
  return Number.isInteger(n) && n >= -INT64_BOUND && n < INT64_BOUND ? n : undefined;
}

export const WHOLE_NUMBER = 'value must be a whole number, between -9223372036854775808 and 9223372036854775807';
