import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Duration } from '../../src/values';

const NS = 1n;
const US = 1_000n;
const MS = 1_000_000n;
const S = 1_000_000_000n;
const M = 60n * S;
const H = 60n * M;
const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);

/**
 * Go's own `parseDurationTests` (src/time/time_test.go). Expected values are written the way Go's table writes
 * them, with bigint unit constants in place of `time.Second` and friends.
 */
const GO_VALID_CASES: readonly (readonly [string, bigint])[] = [
  // simple
  ['0', 0n],
  ['5s', 5n * S],
  ['30s', 30n * S],
  ['1478s', 1478n * S],
  // sign
  ['-5s', -5n * S],
  ['+5s', 5n * S],
  ['-0', 0n],
  ['+0', 0n],
  // decimal
  ['5.0s', 5n * S],
  ['5.6s', 5n * S + 600n * MS],
  ['5.s', 5n * S],
  ['.5s', 500n * MS],
  ['1.0s', 1n * S],
  ['1.00s', 1n * S],
  ['1.004s', 1n * S + 4n * MS],
  ['1.0040s', 1n * S + 4n * MS],
  ['100.00100s', 100n * S + 1n * MS],
  // different units
  ['10ns', 10n * NS],
  ['11us', 11n * US],
  ['12µs', 12n * US], // U+00B5
  ['12μs', 12n * US], // U+03BC
  ['13ms', 13n * MS],
  ['14s', 14n * S],
  ['15m', 15n * M],
  ['16h', 16n * H],
  // composite durations
  ['3h30m', 3n * H + 30n * M],
  ['10.5s4m', 4n * M + 10n * S + 500n * MS],
  ['-2m3.4s', -(2n * M + 3n * S + 400n * MS)],
  ['1h2m3s4ms5us6ns', 1n * H + 2n * M + 3n * S + 4n * MS + 5n * US + 6n * NS],
  ['39h9m14.425s', 39n * H + 9n * M + 14n * S + 425n * MS],
  // large value
  ['52763797000ns', 52763797000n * NS],
  // more than 9 digits after decimal point, see https://golang.org/issue/6617
  ['0.3333333333333333333h', 20n * M],
  // 9007199254740993 = 1<<53+1 cannot be stored precisely in a float64
  ['9007199254740993ns', ((1n << 53n) + 1n) * NS],
  // largest duration that can be represented by int64 in nanoseconds
  ['9223372036854775807ns', INT64_MAX],
  ['9223372036854775.807us', INT64_MAX],
  ['9223372036s854ms775us807ns', INT64_MAX],
  ['-9223372036854775808ns', INT64_MIN],
  ['-9223372036854775.808us', INT64_MIN],
  ['-9223372036s854ms775us808ns', INT64_MIN],
  // largest negative round trip value, see https://golang.org/issue/48629
  ['-2562047h47m16.854775808s', INT64_MIN],
  // huge string; issue 15011.
  ['0.100000000000000000000h', 6n * M],
  // This value tests the first overflow check in leadingFraction.
  ['0.830103483285477580700h', 49n * M + 48n * S + 372539827n * NS],
];

/**
 * Go's `parseDurationErrorTests`, minus the invalid UTF-8 byte strings (`"\x85\x85"`, `"\xffff"`), which a
 * JavaScript string cannot hold; their replacement-character forms are kept.
 */
const GO_INVALID_CASES: readonly string[] = [
  // invalid
  '',
  '3',
  '-',
  's',
  '.',
  '-.',
  '.s',
  '+.s',
  '1d',
  '\uFFFD',
  '\uFFFD hello \uFFFD world',
  // overflow
  '9223372036854775810ns',
  '9223372036854775808ns',
  // largest negative value of type int64 in nanoseconds should fail
  '-9223372036854775809ns',
  '9223372036854776us',
  '3000000h',
  '9223372036854775.808us',
  '9223372036854ms775us808ns',
];

/** Inputs Nomad users write that Go rejects: no day unit, no spaces, no bare numbers, no upper case. */
const NOMAD_USER_MISTAKES: readonly string[] = [
  '1d',
  '30',
  '10 s',
  '1h 30m',
  '10S',
  '5sec',
  '1.5',
  'P1D',
  'PT10S',
  ' 10s',
  '10s ',
];

describe('Duration', () => {
  describe('factories', () => {
    it.each([
      ['nanos', Duration.nanos(7), 7n],
      ['nanos (bigint)', Duration.nanos(INT64_MAX), INT64_MAX],
      ['micros', Duration.micros(7), 7n * US],
      ['millis', Duration.millis(7), 7n * MS],
      ['seconds', Duration.seconds(7), 7n * S],
      ['minutes', Duration.minutes(7), 7n * M],
      ['hours', Duration.hours(7), 7n * H],
      ['days', Duration.days(7), 7n * 24n * H],
      ['fromNanos', Duration.fromNanos(5_000_000_000), 5n * S],
      ['fromNanos (bigint)', Duration.fromNanos(INT64_MIN), INT64_MIN],
    ])('%s converts to exact nanoseconds', (_name, duration, nanos) => {
      expect(duration.toNanosBigInt()).toBe(nanos);
    });

    it('accepts fractional amounts that are whole nanoseconds, exactly as written in decimal', () => {
      expect(Duration.seconds(0.1).toNanos()).toBe(100_000_000);
      expect(Duration.seconds(0.3).toNanos()).toBe(300_000_000);
      expect(Duration.hours(1.5).toGoString()).toBe('1h30m');
      expect(Duration.micros(1.5).toNanos()).toBe(1500);
      expect(Duration.seconds(1e-9).toNanos()).toBe(1);
      expect(Duration.minutes(-0.5).toGoString()).toBe('-30s');
    });

    it('throws for amounts that are not a whole number of nanoseconds', () => {
      expect(() => Duration.seconds(1e-10)).toThrow(RangeError);
      expect(() => Duration.seconds(1e-10)).toThrow(
        'Duration.seconds(1e-10): expected a whole number of nanoseconds, received 1e-10',
      );
      expect(() => Duration.nanos(1.5)).toThrow(
        'Duration.nanos: expected a whole number of nanoseconds, received number 1.5',
      );
      expect(() => Duration.micros(0.0001)).toThrow(RangeError);
    });

    it('throws for amounts that are not finite', () => {
      expect(() => Duration.seconds(Number.NaN)).toThrow(
        'Duration.seconds(NaN): expected a finite number, received number NaN',
      );
      expect(() => Duration.hours(Number.POSITIVE_INFINITY)).toThrow(RangeError);
      expect(() => Duration.fromNanos(Number.NaN)).toThrow(RangeError);
    });

    it('throws for numbers beyond Number.MAX_SAFE_INTEGER and suggests a bigint', () => {
      expect(() => Duration.nanos(2 ** 60)).toThrow('pass a bigint (e.g. 1152921504606846976n) instead');
      expect(() => Duration.fromNanos(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
      expect(Duration.fromNanos(Number.MAX_SAFE_INTEGER).toNanos()).toBe(Number.MAX_SAFE_INTEGER);
    });

    it("throws outside Go's int64 nanosecond range", () => {
      expect(() => Duration.hours(3_000_000)).toThrow(
        'Duration.hours(3000000): out of range, received 10800000000000000000ns; Nomad durations are int64 nanoseconds',
      );
      expect(() => Duration.nanos(INT64_MAX + 1n)).toThrow(RangeError);
      expect(() => Duration.fromNanos(INT64_MIN - 1n)).toThrow(RangeError);
    });
  });

  describe('parse', () => {
    it.each(GO_VALID_CASES)('parses Go test case %j', (text, nanos) => {
      expect(Duration.parse(text).toNanosBigInt()).toBe(nanos);
    });

    it.each(GO_INVALID_CASES)('rejects Go test case %j with a RangeError quoting the input', (text) => {
      expect(() => Duration.parse(text)).toThrow(RangeError);
      expect(() => Duration.parse(text)).toThrow(`Invalid duration ${JSON.stringify(text)}`);
    });

    it.each(NOMAD_USER_MISTAKES)('rejects %j, which Go does not parse', (text) => {
      expect(() => Duration.parse(text)).toThrow(`Invalid duration ${JSON.stringify(text)}`);
    });

    it('parses the forms found in jobspecs', () => {
      expect(Duration.parse('1h0m0s').equals(Duration.hours(1))).toBe(true);
      expect(Duration.parse('10us').equals(Duration.micros(10))).toBe(true);
      expect(Duration.parse('10µs').equals(Duration.micros(10))).toBe(true);
      expect(Duration.parse('10μs').equals(Duration.micros(10))).toBe(true);
      expect(Duration.parse('-1.5h').equals(Duration.minutes(-90))).toBe(true);
      expect(Duration.parse('2h45m').equals(Duration.minutes(165))).toBe(true);
      expect(Duration.parse('300ms').equals(Duration.millis(300))).toBe(true);
      expect(Duration.parse('0').isZero()).toBe(true);
    });

    it("reproduces Go's float64 step for fractions, which truncates below a nanosecond", () => {
      expect(Duration.parse('1.9ns').toNanos()).toBe(1);
      expect(Duration.parse('0.1ns').toNanos()).toBe(0);
      expect(Duration.parse('1.0000000019s').toNanos()).toBe(1_000_000_001);
    });

    it("reproduces Go's uint64 wrap-around when two terms of 2^63 ns are added", () => {
      // ParseDuration adds magnitudes in a uint64 and checks only `d > 1<<63`, so 2^63 + 2^63 wraps to 0.
      expect(Duration.parse('9223372036854775808ns9223372036854775808ns').toNanos()).toBe(0);
    });

    it('rejects a day unit with a hint to use hours', () => {
      expect(() => Duration.parse('1d')).toThrowErrorMatchingInlineSnapshot(
        `[RangeError: Invalid duration "1d": unknown unit "d" (Go has no day unit: use "24h"); expected a Go duration such as "300ms", "-1.5h", "2h45m" or "1h0m0s": an optional sign, then numbers (fractions allowed) each followed by a unit ns, us or µs, ms, s, m, h; only "0" may omit the unit]`,
      );
    });

    it('rejects a bare number with a hint to add a unit', () => {
      expect(() => Duration.parse('30')).toThrowErrorMatchingInlineSnapshot(
        `[RangeError: Invalid duration "30": missing unit after a number (for seconds write "30s"); expected a Go duration such as "300ms", "-1.5h", "2h45m" or "1h0m0s": an optional sign, then numbers (fractions allowed) each followed by a unit ns, us or µs, ms, s, m, h; only "0" may omit the unit]`,
      );
    });

    it('rejects values beyond int64 nanoseconds with the maximum in the message', () => {
      expect(() => Duration.parse('3000000h')).toThrow(
        'Invalid duration "3000000h": out of range: Nomad durations are int64 nanoseconds, at most 2562047h47m16.854775807s',
      );
    });

    it('rejects a non-string at runtime', () => {
      expect(() => Duration.parse(10 as unknown as string)).toThrow('received number 10');
    });
  });

  describe('toGoString', () => {
    it.each([
      [0n, '0s'],
      [1n, '1ns'],
      [999n, '999ns'],
      [1500n, '1.5us'],
      [10n * US, '10us'],
      [1n * MS + 1n, '1.000001ms'],
      [300n * MS, '300ms'],
      [999_999_999n, '999.999999ms'],
      [1500n * MS, '1.5s'],
      [90n * S, '1m30s'],
      [90n * S + 250n * MS, '1m30.25s'],
      [1n * H, '1h'],
      [1n * H + 500n * MS, '1h500ms'],
      [1n * H + 1n, '1h1ns'],
      [2n * H + 45n * M, '2h45m'],
      [48n * H, '48h'],
      [-90n * S, '-1m30s'],
      [-1n, '-1ns'],
      [INT64_MAX, '2562047h47m16.854775807s'],
      [INT64_MIN, '-2562047h47m16.854775808s'],
    ])('renders %s ns as %j', (nanos, text) => {
      expect(Duration.fromNanos(nanos).toGoString()).toBe(text);
    });

    it('renders days as hours, since Go has no day unit', () => {
      expect(Duration.days(2).toGoString()).toBe('48h');
    });

    it('round-trips every int64 nanosecond count through Duration.parse', () => {
      fc.assert(
        fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (nanos) => {
          const duration = Duration.fromNanos(nanos);
          expect(Duration.parse(duration.toGoString()).equals(duration)).toBe(true);
        }),
        { numRuns: 2000 },
      );
    });

    it('round-trips durations built from typical unit amounts', () => {
      const amount = fc.integer({ min: -100_000, max: 100_000 });
      const factory = fc.constantFrom(
        Duration.millis,
        Duration.seconds,
        Duration.minutes,
        Duration.hours,
        Duration.micros,
      );
      fc.assert(
        fc.property(factory, amount, (make, value) => {
          const duration = make(value);
          expect(Duration.parse(duration.toGoString()).equals(duration)).toBe(true);
        }),
      );
    });

    it('writes canonical text: units in descending order, no zero components, no trailing fraction zeros', () => {
      const shape = /^-?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)(?:\.(\d+))?(s|ms|us|ns))?$/;
      fc.assert(
        fc.property(fc.bigInt({ min: INT64_MIN, max: INT64_MAX }), (nanos) => {
          const text = Duration.fromNanos(nanos).toGoString();
          if (nanos === 0n) {
            expect(text).toBe('0s');
            return;
          }
          const match = shape.exec(text);
          expect(match, text).not.toBeNull();
          const [, hours, minutes, whole, fraction, unit] = match ?? [];
          for (const part of [hours, minutes, whole]) {
            expect(part === undefined || /^[1-9]\d*$/.test(part), text).toBe(true);
          }
          expect(Number(minutes ?? 0), text).toBeLessThan(60);
          expect(fraction === undefined || !fraction.endsWith('0'), text).toBe(true);
          // Sub-second units are used only for a remainder below one unit of the next size up.
          const limit = { s: 60, ms: 1000, us: 1000, ns: 1000 }[unit ?? 's'] ?? 0;
          expect(Number(whole ?? 0), text).toBeLessThan(limit);
        }),
      );
    });

    it('parses random Go duration strings to the exact sum of their terms', () => {
      const unit = fc.constantFrom<[string, bigint]>(
        ['ns', NS],
        ['us', US],
        ['µs', US],
        ['ms', MS],
        ['s', S],
        ['m', M],
        ['h', H],
      );
      // At most 6 terms of 400,000h stay below int64's 2,562,047h; overflow has its own tests.
      const term = fc.tuple(fc.integer({ min: 0, max: 400_000 }), unit);
      fc.assert(
        fc.property(fc.boolean(), fc.array(term, { minLength: 1, maxLength: 6 }), (negative, terms) => {
          const text = (negative ? '-' : '') + terms.map(([value, [suffix]]) => `${value}${suffix}`).join('');
          const sum = terms.reduce((total, [value, [, nanos]]) => total + BigInt(value) * nanos, 0n);
          expect(Duration.parse(text).toNanosBigInt()).toBe(negative ? -sum : sum);
        }),
      );
    });
  });

  describe('conversions', () => {
    it('converts to a number of nanoseconds for the API JSON', () => {
      expect(Duration.seconds(5).toNanos()).toBe(5_000_000_000);
      expect(JSON.stringify({ KillTimeout: Duration.seconds(5) })).toBe('{"KillTimeout":5000000000}');
    });

    it('throws when the nanoseconds are beyond Number.MAX_SAFE_INTEGER, pointing to toNanosBigInt', () => {
      const long = Duration.days(200);
      expect(() => long.toNanos()).toThrow(
        'Duration 4800h is 17280000000000000ns, beyond Number.MAX_SAFE_INTEGER (about 104 days), so it cannot be a JSON number without rounding: use toNanosBigInt()',
      );
      expect(() => JSON.stringify(long)).toThrow(RangeError);
      expect(long.toNanosBigInt()).toBe(17_280_000_000_000_000n);
    });

    it('renders as Go text in strings and messages', () => {
      expect(`${Duration.seconds(90)}`).toBe('1m30s');
      expect(String(Duration.millis(1500))).toBe('1.5s');
    });
  });

  describe('comparison', () => {
    it('equals another duration with the same nanoseconds, whatever the unit it was built from', () => {
      expect(Duration.minutes(60).equals(Duration.hours(1))).toBe(true);
      expect(Duration.parse('1h0m0s').equals(Duration.parse('60m'))).toBe(true);
      expect(Duration.seconds(1).equals(Duration.millis(1001))).toBe(false);
    });

    it('orders durations with compareTo', () => {
      const sorted = [Duration.hours(1), Duration.nanos(-1), Duration.seconds(0), Duration.millis(1)].sort((a, b) =>
        a.compareTo(b),
      );
      expect(sorted.map(String)).toEqual(['-1ns', '0s', '1ms', '1h']);
      expect(Duration.seconds(1).compareTo(Duration.millis(1000))).toBe(0);
    });

    it('reports negative and zero durations for validators', () => {
      expect(Duration.parse('-5s').isNegative()).toBe(true);
      expect(Duration.parse('5s').isNegative()).toBe(false);
      expect(Duration.parse('-0').isNegative()).toBe(false);
      expect(Duration.parse('-0').isZero()).toBe(true);
    });

    it('is immutable', () => {
      const duration = Duration.seconds(1);
      expect(Object.isFrozen(duration)).toBe(true);
      expect(() => {
        (duration as unknown as { nanosValue: bigint }).nanosValue = 5n;
      }).toThrow(TypeError);
    });
  });
});
