/** Exact powers of ten: every one up to 1e22 is a double without rounding. */
const POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * `Number(text)` for CSV fields, about twice as fast on plain decimals (`-12.375`),
 * which are most numeric CSV: the digits are read as an integer and divided by a
 * power of ten. With at most 15 digits both are exact doubles, and IEEE division
 * rounds correctly, so the result is the correctly rounded value `Number` gives
 * (Clinger's fast path). Anything else (exponents, more digits, spaces, hex) falls
 * back to `Number`. An empty field is NaN, not `Number('')`'s 0.
 */
export function parseNumber(text: string): number {
  const length = text.length;
  if (length === 0) return Number.NaN;
  let i = 0;
  let negative = false;
  let code = text.charCodeAt(0);
  if (code === 45 /* - */) {
    negative = true;
    i = 1;
  } else if (code === 43 /* + */) {
    i = 1;
  }
  let mantissa = 0;
  let digits = 0;
  let decimals = 0;
  let seenPoint = false;
  for (; i < length; i++) {
    code = text.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      mantissa = mantissa * 10 + (code - 48);
      digits++;
      if (seenPoint) decimals++;
    } else if (code === 46 /* . */ && !seenPoint) {
      seenPoint = true;
    } else {
      return Number(text);
    }
  }
  if (digits === 0 || digits > 15) return Number(text);
  const value = decimals === 0 ? mantissa : mantissa / (POWERS_OF_TEN[decimals] as number);
  return negative ? -value : value;
}
