const MIB_PER_GIB = 1024;

/**
 * A size from another library, accepted wherever a {@link Size} is: aws-cdk-lib's `Size` has this shape, so a CDK
 * app can pass `cdk.Size.mebibytes(512)` without telling the two apart. It is read once, when the job is built;
 * aws-cdk-lib throws if it is not a whole number of MiB.
 */
export interface SizeLike {
  toMebibytes(): number;
}

/**
 * An amount of memory or storage for Nomad's MB-denominated fields: `resources.memory` and
 * `memory_max` (`MemoryMB`, `MemoryMaxMB`), `ephemeral_disk.size` (`SizeMB`) and `logs.max_file_size`
 * (`MaxFileSizeMB`).
 *
 * Nomad calls these "MB" but counts them as integer mebibytes (1 MiB = 1024 × 1024 bytes), and its API
 * only takes whole numbers, so a `Size` is always a whole, non-negative number of MiB. Fractions that do
 * not land on a whole MiB are rejected when the `Size` is created rather than rounded later, so the
 * number Nomad receives is the number the caller wrote.
 *
 * @example
 * Size.mebibytes(512).toMebibytes(); // 512
 * Size.gibibytes(1.5).toMebibytes(); // 1536
 * String(Size.gibibytes(2)); // "2048MiB"
 */
export class Size {
  /**
   * A size of `amount` mebibytes, the unit of Nomad's `memory`, `memory_max`, `ephemeral_disk.size` and
   * `logs.max_file_size`.
   *
   * @param amount - a non-negative safe integer.
   * @throws RangeError naming the value if `amount` is negative, fractional, not finite or unsafe.
   */
  public static mebibytes(amount: number): Size {
    return new Size(checkWholeMebibytes(amount, amount, `Size.mebibytes(${String(amount)})`));
  }

  /**
   * A size of `amount` gibibytes (1 GiB = 1024 MiB). Fractions are allowed when they are a whole number
   * of MiB: `Size.gibibytes(0.5)` is 512 MiB, `Size.gibibytes(0.3)` (307.2 MiB) throws.
   *
   * @param amount - a non-negative number whose product with 1024 is a safe integer.
   * @throws RangeError naming the value if it is negative, not finite, or not a whole number of MiB.
   */
  public static gibibytes(amount: number): Size {
    // Multiplying a double by 1024 (a power of two) is exact, so the integer check below is exact too.
    const mebibytes = typeof amount === 'number' ? amount * MIB_PER_GIB : Number.NaN;
    return new Size(checkWholeMebibytes(mebibytes, amount, `Size.gibibytes(${String(amount)})`));
  }

  /**
   * This library's Size for `value`: itself, or an aws-cdk-lib `Size` (anything {@link SizeLike}) read as MiB.
   *
   * @throws RangeError if the value is neither, or is not a whole, non-negative number of MiB.
   */
  public static from(value: Size | SizeLike): Size {
    if (value instanceof Size) return value;
    if (isSizeLike(value)) return Size.mebibytes(value.toMebibytes());
    const shown = value === null ? 'null' : typeof value;
    throw new RangeError(`expected a Size (Size.mebibytes(256)) or an aws-cdk-lib Size, received ${shown}`);
  }

  private readonly mebibytesValue: number;

  private constructor(mebibytes: number) {
    this.mebibytesValue = mebibytes === 0 ? 0 : mebibytes; // no -0 in output
    Object.freeze(this);
  }

  /** The size as a whole number of MiB, the value Nomad's API takes for `MemoryMB`, `SizeMB` and similar. */
  public toMebibytes(): number {
    return this.mebibytesValue;
  }

  /** The MiB count, so that `JSON.stringify` writes what Nomad's API expects. */
  public toJSON(): number {
    return this.mebibytesValue;
  }

  /** Whether both sizes are the same number of MiB (`Size.gibibytes(1)` equals `Size.mebibytes(1024)`). */
  public equals(other: Size): boolean {
    return this.mebibytesValue === other.mebibytesValue;
  }

  /** `-1`, `0` or `1` as this size is smaller than, equal to, or larger than `other`; usable with `Array.sort`. */
  public compareTo(other: Size): -1 | 0 | 1 {
    if (this.mebibytesValue < other.mebibytesValue) {
      return -1;
    }
    return this.mebibytesValue > other.mebibytesValue ? 1 : 0;
  }

  /** The size in MiB with its unit, e.g. `"512MiB"`; always MiB so that it matches {@link Size.toMebibytes}. */
  public toString(): string {
    return `${this.mebibytesValue}MiB`;
  }
}

function checkWholeMebibytes(mebibytes: number, received: unknown, call: string): number {
  const shown = typeof received === 'number' ? String(received) : `${typeof received} ${String(received)}`;
  if (typeof received !== 'number' || !Number.isFinite(mebibytes)) {
    throw new RangeError(`${call}: expected a finite, non-negative number, received ${shown}`);
  }
  if (mebibytes < 0) {
    throw new RangeError(`${call}: expected a non-negative size, received ${shown}`);
  }
  if (!Number.isInteger(mebibytes)) {
    throw new RangeError(
      `${call}: expected a whole number of MiB, received ${shown}, which is ${mebibytes} MiB; ` +
        `Nomad sizes are integer MiB: use Size.mebibytes(${Math.floor(mebibytes)}) or Size.mebibytes(${Math.ceil(mebibytes)})`,
    );
  }
  if (!Number.isSafeInteger(mebibytes)) {
    throw new RangeError(`${call}: expected at most ${Number.MAX_SAFE_INTEGER} MiB, received ${shown}`);
  }
  return mebibytes;
}

/** Whether `value` is a size of another library that {@link Size.from} reads (aws-cdk-lib's). */
export function isSizeLike(value: unknown): value is SizeLike {
  return (
    value !== null &&
    typeof value === 'object' &&
    !(value instanceof Size) &&
    typeof (value as SizeLike).toMebibytes === 'function'
  );
}
