// Nanoseconds per unit, as bigint so that every conversion is exact. Days exist only for the
// `Duration.days()` convenience factory: Go duration text has no day unit.
const NANOS_PER_MICRO = 1_000n;
const NANOS_PER_MILLI = 1_000_000n;
const NANOS_PER_SECOND = 1_000_000_000n;
const NANOS_PER_MINUTE = 60n * NANOS_PER_SECOND;
const NANOS_PER_HOUR = 60n * NANOS_PER_MINUTE;
const NANOS_PER_DAY = 24n * NANOS_PER_HOUR;

/** Go's `unitMap`: the only unit suffixes `time.ParseDuration` knows. */
const GO_UNITS: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', NANOS_PER_MICRO],
  ['\u00b5s', NANOS_PER_MICRO], // U+00B5 MICRO SIGN
  ['\u03bcs', NANOS_PER_MICRO], // U+03BC GREEK SMALL LETTER MU
  ['ms', NANOS_PER_MILLI],
  ['s', NANOS_PER_SECOND],
  ['m', NANOS_PER_MINUTE],
  ['h', NANOS_PER_HOUR],
]);

/** 2^63: Go parses magnitudes up to this bound into a uint64 before applying the sign. */
const TWO_POW_63 = 1n << 63n;
/** `time.Duration` is an int64 of nanoseconds. */
const INT64_MIN = -TWO_POW_63;
const INT64_MAX = TWO_POW_63 - 1n;
/** Go's uint64 arithmetic wraps at 2^64; `ParseDuration` can hit that (see `parseGoDuration`). */
const UINT64_MASK = (1n << 64n) - 1n;

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);

/** Appended to every parse error so that the fix is in the message itself. */
const GO_DURATION_HELP =
  'expected a Go duration such as "300ms", "-1.5h", "2h45m" or "1h0m0s": an optional sign, then numbers ' +
  '(fractions allowed) each followed by a unit ns, us or µs, ms, s, m, h; only "0" may omit the unit';

/**
 * A duration from another library, accepted wherever a {@link Duration} is: aws-cdk-lib's `Duration` has this
 * shape, so a CDK app can pass `cdk.Duration.seconds(30)` without telling the two apart. It is read once, when
 * the job is built, as a whole number of milliseconds (the finest unit aws-cdk-lib has).
 */
export interface DurationLike {
  toMilliseconds(options?: { readonly integral?: boolean }): number;
}

/**
 * An exact, immutable span of time for Nomad duration fields (`kill_timeout`,
 * `update.healthy_deadline`, `check.interval`, `restart.delay`, ...).
 *
 * Nomad stores every duration as a Go `time.Duration`: an int64 count of
 * nanoseconds. The API JSON takes that integer and the HCL jobspec takes a Go
 * duration string, so a `Duration` keeps the exact nanosecond count and renders
 * either form on demand.
 *
 * The count is held as a `bigint` because an int64 of nanoseconds passes
 * `Number.MAX_SAFE_INTEGER` (2^53 - 1 ns) at about 104 days; a `number` would
 * silently round a legal `max_client_disconnect = "2400h"` or any value parsed
 * from a Go string. Arithmetic on bigint is exact, so parsing and formatting
 * never lose a nanosecond.
 *
 * Negative durations are representable because Go accepts them (`"-5s"`);
 * Nomad rejects them for most fields, so validators should call
 * {@link Duration.isNegative}.
 *
 * @example
 * Duration.seconds(30).toGoString(); // "30s"
 * Duration.parse('1h30m').toNanos(); // 5400000000000
 * Duration.millis(1500).toGoString(); // "1.5s"
 */
export class Duration {
  /**
   * A duration of whole nanoseconds.
   *
   * @param amount - an integer; a `bigint` for counts beyond `Number.MAX_SAFE_INTEGER` (about 104 days).
   * @throws RangeError if `amount` is not an integer or is outside Go's int64 range.
   */
  public static nanos(amount: number | bigint): Duration {
    return new Duration(checkInt64(integerNanos(amount, 'Duration.nanos'), `Duration.nanos(${String(amount)})`));
  }

  /**
   * A duration of `amount` microseconds. Fractions are allowed when the result is a whole number of nanoseconds
   * (`Duration.micros(1.5)` is 1500ns).
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static micros(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_MICRO, 'micros');
  }

  /**
   * A duration of `amount` milliseconds. Fractions are allowed when the result is a whole number of nanoseconds.
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static millis(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_MILLI, 'millis');
  }

  /**
   * A duration of `amount` seconds. Fractions are allowed when the result is a whole number of nanoseconds
   * (`Duration.seconds(0.25)` is 250ms).
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static seconds(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_SECOND, 'seconds');
  }

  /**
   * A duration of `amount` minutes. Fractions are allowed when the result is a whole number of nanoseconds.
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static minutes(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_MINUTE, 'minutes');
  }

  /**
   * A duration of `amount` hours. Fractions are allowed when the result is a whole number of nanoseconds.
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static hours(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_HOUR, 'hours');
  }

  /**
   * A duration of `amount` days of exactly 24 hours.
   *
   * A convenience only: Go durations have no day unit, so the result renders in hours
   * (`Duration.days(2).toGoString()` is `"48h"`), and it ignores daylight-saving changes.
   *
   * @throws RangeError if `amount` is not finite, is not a whole number of nanoseconds, or is outside Go's int64 range.
   */
  public static days(amount: number): Duration {
    return Duration.ofUnit(amount, NANOS_PER_DAY, 'days');
  }

  /**
   * Imports a nanosecond count, as found in Nomad's API JSON (`"KillTimeout": 5000000000`).
   * Same rules as {@link Duration.nanos}; the separate name documents intent at call sites.
   *
   * @param nanos - an integer; pass a `bigint` when the JSON was read with a lossless parser
   *   and the value exceeds `Number.MAX_SAFE_INTEGER`.
   * @throws RangeError if `nanos` is not an integer or is outside Go's int64 range.
   */
  public static fromNanos(nanos: number | bigint): Duration {
    return new Duration(checkInt64(integerNanos(nanos, 'Duration.fromNanos'), `Duration.fromNanos(${String(nanos)})`));
  }

  /**
   * Parses a Go duration string exactly as Go's `time.ParseDuration` does, which is what Nomad
   * applies to duration strings in an HCL jobspec.
   *
   * Accepted: an optional sign, then one or more `<number><unit>` pairs where the number may have a
   * decimal fraction (`"1.5h"`, `".5s"`, `"5.s"`) and the unit is `ns`, `us`, `µs` (U+00B5), `μs` (U+03BC),
   * `ms`, `s`, `m` or `h`; or the bare string `"0"` (optionally signed). Anything else is rejected,
   * including `"d"` days, spaces, and bare numbers other than zero.
   *
   * Go's arithmetic is reproduced, including its float64 step for fractions and its int64 range checks,
   * so the result is the same nanosecond count Nomad computes.
   *
   * @param text - the duration text, e.g. `"300ms"`, `"-1.5h"`, `"2h45m"`, `"1h0m0s"`, `"10µs"`, `"0"`.
   * @throws RangeError quoting `text` and showing valid examples if it is not a valid Go duration.
   */
  public static parse(text: string): Duration {
    if (typeof text !== 'string') {
      throw new RangeError(`Invalid duration: ${GO_DURATION_HELP}; received ${describeValue(text)}`);
    }
    return new Duration(parseGoDuration(text));
  }

  /**
   * This library's Duration for `value`: itself, or an aws-cdk-lib `Duration` (anything {@link DurationLike}) read
   * as whole milliseconds.
   *
   * @throws RangeError if the value is neither, or is not a whole number of milliseconds.
   */
  public static from(value: Duration | DurationLike): Duration {
    if (value instanceof Duration) return value;
    if (isDurationLike(value)) return Duration.millis(value.toMilliseconds({ integral: true }));
    throw new RangeError(
      `expected a Duration (Duration.seconds(10)) or an aws-cdk-lib Duration, received ${describeValue(value)}`,
    );
  }

  private static ofUnit(amount: number, unitNanos: bigint, factory: string): Duration {
    const call = `Duration.${factory}(${String(amount)})`;
    return new Duration(checkInt64(scaleDecimal(amount, unitNanos, call), call));
  }

  /** Exact nanosecond count, always within Go's int64 range. */
  private readonly nanosValue: bigint;

  private constructor(nanos: bigint) {
    this.nanosValue = nanos;
    Object.freeze(this);
  }

  /**
   * The nanosecond count as a `number`, for Nomad's API JSON.
   *
   * @throws RangeError if the count is beyond `Number.MAX_SAFE_INTEGER` (about 104 days), where a number would
   *   silently round; use {@link Duration.toNanosBigInt} instead.
   */
  public toNanos(): number {
    if (this.nanosValue > MAX_SAFE || this.nanosValue < MIN_SAFE) {
      throw new RangeError(
        `Duration ${this.toGoString()} is ${this.nanosValue}ns, beyond Number.MAX_SAFE_INTEGER (about 104 days), ` +
          'so it cannot be a JSON number without rounding: use toNanosBigInt() and a serializer that writes bigint',
      );
    }
    return Number(this.nanosValue);
  }

  /** The exact nanosecond count, valid for every representable duration. */
  public toNanosBigInt(): bigint {
    return this.nanosValue;
  }

  /**
   * A compact Go duration string that `time.ParseDuration` parses back to exactly this duration.
   *
   * Format: an optional `-`, then `h` and `m` components with whole numbers, then the remainder below one
   * minute. A remainder of at least one second is written in seconds with a decimal fraction (`"1.5s"`,
   * `"1m30.25s"`); a remainder below one second uses the largest of `ms`, `us`, `ns` that keeps a whole part
   * (`"500ms"`, `"1.5us"`, `"1h250ms"`). Zero components are omitted (`"1h"`, not `"1h0m0s"`), fractions carry
   * no trailing zeros, the micro unit is the ASCII `us` (safe in any file encoding), and zero is `"0s"`.
   *
   * The round trip is exact because every fraction has at most as many digits as its unit has powers of ten
   * of nanoseconds (9 for seconds), so Go's float64 step multiplies by an exact power of ten.
   */
  public toGoString(): string {
    if (this.nanosValue === 0n) {
      return '0s';
    }
    const sign = this.nanosValue < 0n ? '-' : '';
    const abs = this.nanosValue < 0n ? -this.nanosValue : this.nanosValue;
    const hours = abs / NANOS_PER_HOUR;
    const minutes = (abs % NANOS_PER_HOUR) / NANOS_PER_MINUTE;
    const rest = abs % NANOS_PER_MINUTE;
    let text = sign;
    if (hours > 0n) {
      text += `${hours}h`;
    }
    if (minutes > 0n) {
      text += `${minutes}m`;
    }
    if (rest > 0n) {
      text += formatBelowMinute(rest);
    }
    return text;
  }

  /** The nanosecond count, so that `JSON.stringify` writes what Nomad's API expects. Throws like {@link Duration.toNanos}. */
  public toJSON(): number {
    return this.toNanos();
  }

  /** Whether both durations have the same nanosecond count (`1h0m0s` equals `60m`). */
  public equals(other: Duration): boolean {
    return this.nanosValue === other.nanosValue;
  }

  /** `-1`, `0` or `1` as this duration is shorter than, equal to, or longer than `other`; usable with `Array.sort`. */
  public compareTo(other: Duration): -1 | 0 | 1 {
    if (this.nanosValue < other.nanosValue) {
      return -1;
    }
    return this.nanosValue > other.nanosValue ? 1 : 0;
  }

  /** Whether the duration is below zero. Go accepts negative durations; most Nomad fields do not. */
  public isNegative(): boolean {
    return this.nanosValue < 0n;
  }

  /** Whether the duration is exactly zero, which several Nomad fields treat as "unset" or "disabled". */
  public isZero(): boolean {
    return this.nanosValue === 0n;
  }

  /** Same as {@link Duration.toGoString}, so durations read naturally in messages and template strings. */
  public toString(): string {
    return this.toGoString();
  }
}

/**
 * Formats 0 < `nanos` < 1 minute: seconds with a fraction when at least a second, else the largest
 * sub-second unit with a whole part.
 */
function formatBelowMinute(nanos: bigint): string {
  if (nanos >= NANOS_PER_SECOND) {
    return formatWithFraction(nanos, NANOS_PER_SECOND, 9, 's');
  }
  if (nanos >= NANOS_PER_MILLI) {
    return formatWithFraction(nanos, NANOS_PER_MILLI, 6, 'ms');
  }
  if (nanos >= NANOS_PER_MICRO) {
    return formatWithFraction(nanos, NANOS_PER_MICRO, 3, 'us');
  }
  return `${nanos}ns`;
}

/** `whole.fraction<unit>` with trailing zeros removed; `digits` is log10 of `unitNanos`. */
function formatWithFraction(nanos: bigint, unitNanos: bigint, digits: number, unit: string): string {
  const whole = nanos / unitNanos;
  const fraction = nanos % unitNanos;
  if (fraction === 0n) {
    return `${whole}${unit}`;
  }
  const fractionDigits = fraction.toString().padStart(digits, '0').replace(/0+$/, '');
  return `${whole}.${fractionDigits}${unit}`;
}

function isDigit(char: string | undefined): boolean {
  return char !== undefined && char >= '0' && char <= '9';
}

/**
 * Why a text is not a Go duration. `kind` is the error Go's `time.ParseDuration` returns ("time: invalid duration",
 * "time: missing unit in duration", "time: unknown unit ... in duration"), for callers that quote Go's words.
 */
export class GoDurationError extends RangeError {
  constructor(
    message: string,
    readonly kind: 'invalid' | 'missing-unit' | 'unknown-unit',
    /** The unit Go does not know, for `unknown-unit`. */
    readonly unit?: string,
  ) {
    super(message);
  }
}

/**
 * A port of Go's `time.ParseDuration` (src/time/format.go) returning nanoseconds.
 *
 * It mirrors Go step by step rather than using a regular expression, because acceptance depends on
 * arithmetic: the int64 bounds, the float64 multiplication used for fractions (`"0.3333333333333333333h"`
 * is exactly 20m in Go), fraction digits beyond uint64 precision being ignored, and uint64 wrap-around.
 */
export function parseGoDuration(text: string): bigint {
  const fail = (reason?: string, kind: GoDurationError['kind'] = 'invalid', unit?: string): GoDurationError =>
    new GoDurationError(`Invalid duration "${text}": ${reason ? `${reason}; ` : ''}${GO_DURATION_HELP}`, kind, unit);

  let rest = text;
  let negative = false;
  const first = rest[0];
  if (first === '-' || first === '+') {
    negative = first === '-';
    rest = rest.slice(1);
  }
  // Go's special case: a lone zero needs no unit.
  if (rest === '0') {
    return 0n;
  }
  if (rest === '') {
    throw fail(text === '' ? 'the text is empty' : 'a sign needs a number and unit after it');
  }

  let total = 0n; // Go's uint64 `d`: the magnitude, before the sign is applied
  while (rest !== '') {
    // The next character must be [0-9.]
    if (!(rest[0] === '.' || isDigit(rest[0]))) {
      throw fail(`expected a number at "${rest}"`);
    }

    // Consume [0-9]*: Go's leadingInt fails once the value passes 2^63.
    let index = 0;
    let whole = 0n;
    while (isDigit(rest[index])) {
      whole = whole * 10n + BigInt(rest.charCodeAt(index) - 48);
      if (whole > TWO_POW_63) {
        throw fail('out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s');
      }
      index++;
    }
    const hasWhole = index > 0;
    rest = rest.slice(index);

    // Consume (\.[0-9]*)?: Go's leadingFraction stops accumulating, silently, once more digits would overflow.
    let fraction = 0n;
    let scale = 1; // a float64 in Go; powers of ten up to 1e19 are exact in a double
    let hasFraction = false;
    if (rest[0] === '.') {
      rest = rest.slice(1);
      index = 0;
      let overflow = false;
      while (isDigit(rest[index])) {
        if (!overflow) {
          const next = fraction * 10n + BigInt(rest.charCodeAt(index) - 48);
          if (fraction > (TWO_POW_63 - 1n) / 10n || next > TWO_POW_63) {
            overflow = true;
          } else {
            fraction = next;
            scale *= 10;
          }
        }
        index++;
      }
      hasFraction = index > 0;
      rest = rest.slice(index);
    }
    if (!hasWhole && !hasFraction) {
      throw fail('a "." needs digits before or after it');
    }

    // Consume the unit: everything up to the next digit or '.'.
    index = 0;
    while (index < rest.length && rest[index] !== '.' && !isDigit(rest[index])) {
      index++;
    }
    if (index === 0) {
      throw fail(`missing unit after a number (for seconds write "${text}s")`, 'missing-unit');
    }
    const unitText = rest.slice(0, index);
    rest = rest.slice(index);
    const unit = GO_UNITS.get(unitText);
    if (unit === undefined) {
      const hint = unitText === 'd' || unitText === 'w' || unitText === 'y' ? ' (Go has no day unit: use "24h")' : '';
      throw fail(`unknown unit "${unitText}"${hint}`, 'unknown-unit', unitText);
    }

    if (whole > TWO_POW_63 / unit) {
      throw fail('out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s');
    }
    let value = whole * unit;
    if (fraction > 0n) {
      // Go: v += uint64(float64(f) * (float64(unit) / scale)). Number(bigint) and Go's float64(uint64) both
      // round to nearest even, and JavaScript numbers are IEEE doubles, so this is the same computation.
      value += BigInt(Math.trunc(Number(fraction) * (Number(unit) / scale)));
      if (value > TWO_POW_63) {
        throw fail('out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s');
      }
    }
    // Go adds in uint64, which wraps at 2^64 (only reachable as 2^63 + 2^63).
    total = (total + value) & UINT64_MASK;
    if (total > TWO_POW_63) {
      throw fail('out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s');
    }
  }

  if (negative) {
    return -total; // -2^63 is the int64 minimum, so every magnitude up to 2^63 fits
  }
  if (total > INT64_MAX) {
    throw fail('out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s');
  }
  return total;
}

/** Validates an integer nanosecond count given as a number or bigint. */
function integerNanos(amount: number | bigint, call: string): bigint {
  if (typeof amount === 'bigint') {
    return amount;
  }
  if (typeof amount !== 'number' || !Number.isInteger(amount)) {
    throw new RangeError(`${call}: expected a whole number of nanoseconds, received ${describeValue(amount)}`);
  }
  if (!Number.isSafeInteger(amount)) {
    // Above 2^53 a number may already have been rounded, so it cannot be trusted as an exact count.
    throw new RangeError(
      `${call}: expected a safe integer, received ${amount}, which is beyond Number.MAX_SAFE_INTEGER and may ` +
        `already be rounded; pass a bigint (e.g. ${BigInt(amount)}n) instead`,
    );
  }
  return BigInt(amount);
}

/**
 * `amount * unitNanos`, computed exactly from the decimal text of `amount`.
 *
 * Floating-point multiplication would turn `Duration.seconds(0.1)` into a count that is off by rounding;
 * using the shortest decimal that JavaScript prints for the number (what the caller wrote) gives exact,
 * unsurprising results, and a value that is not a whole number of nanoseconds is reported instead of rounded.
 */
function scaleDecimal(amount: number, unitNanos: bigint, call: string): bigint {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    throw new RangeError(`${call}: expected a finite number, received ${describeValue(amount)}`);
  }
  // String(number) is either plain decimal or d.ddde±x notation.
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(amount));
  if (!match) {
    throw new RangeError(`${call}: expected a finite number, received ${describeValue(amount)}`);
  }
  const [, sign = '', intDigits = '0', fracDigits = '', exponentText = '0'] = match;
  const exponent = Number(exponentText) - fracDigits.length;
  let numerator = BigInt(intDigits + fracDigits) * unitNanos;
  if (exponent >= 0) {
    numerator *= 10n ** BigInt(exponent);
  } else {
    const divisor = 10n ** BigInt(-exponent);
    if (numerator % divisor !== 0n) {
      throw new RangeError(
        `${call}: expected a whole number of nanoseconds, received ${amount}, which is not one; ` +
          'Nomad durations are integer nanoseconds: round the value or use a smaller unit',
      );
    }
    numerator /= divisor;
  }
  return sign === '-' ? -numerator : numerator;
}

function checkInt64(nanos: bigint, call: string): bigint {
  if (nanos < INT64_MIN || nanos > INT64_MAX) {
    throw new RangeError(
      `${call}: out of range, received ${nanos}ns; Nomad durations are int64 nanoseconds ` +
        `(${INT64_MIN} to ${INT64_MAX}, about ±292 years)`,
    );
  }
  return nanos;
}

/** A short, safe description of an unexpected runtime value for error messages. */
function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }
  return value === null ? 'null' : typeof value;
}

/** Whether `value` is a duration of another library that {@link Duration.from} reads (aws-cdk-lib's). */
export function isDurationLike(value: unknown): value is DurationLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Duration) &&
    typeof (value as DurationLike).toMilliseconds === 'function'
  );
}
