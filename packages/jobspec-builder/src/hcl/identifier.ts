import { HclError } from './hcl-error';

// HCL itself accepts Unicode identifiers (ID_Start/ID_Continue), but Go and V8 ship different Unicode
// versions, so a name valid here could be rejected by Nomad. ASCII is what Nomad and Terraform use anyway.
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** What {@link isIdentifier} accepts, worded for error messages. */
export const IDENTIFIER_RULE = 'an identifier (ASCII letters, digits, "_" and "-", starting with a letter or "_")';

/**
 * Whether `name` can be written bare as an HCL attribute name, block type or object key.
 *
 * Accepts ASCII letters, digits, `_` and `-`, starting with a letter or `_` (a subset of HCL's
 * Unicode identifiers that every HCL implementation agrees on).
 *
 * @example
 * isIdentifier('max_parallel'); // true
 * isIdentifier('a.b'); // false: write it as a quoted object key, `meta = { "a.b" = "x" }`
 */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER.test(name);
}

// A bare `for` opens a for-expression (`{ for = 1 }` does not parse), and bare literals read as values.
const KEYWORDS: ReadonlySet<string> = new Set(['for', 'true', 'false', 'null']);

/** Whether an object key can be written without quotes. */
export function isBareKey(key: string): boolean {
  return isIdentifier(key) && !KEYWORDS.has(key);
}

/**
 * Throws unless `name` is an identifier.
 *
 * @param name - the attribute name or block type
 * @param what - "attribute name" or "block type"
 * @param path - where it is, '' when unknown
 */
export function assertIdentifier(name: unknown, what: string, path: string): asserts name is string {
  if (typeof name === 'string' && isIdentifier(name)) {
    return;
  }
  const received = typeof name === 'string' ? JSON.stringify(name) : describeType(name);
  const fix =
    what === 'attribute name'
      ? ' To use another key, put it in an object value, where any string is allowed: meta = { "a.b" = "x" }.'
      : '';
  throw new HclError(
    'invalid-identifier',
    `Invalid ${what}`,
    `expected ${IDENTIFIER_RULE}, received ${received}.${fix}`,
    path,
  );
}

/** A short description of a value's type for error messages. */
export function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  if (typeof value === 'object') {
    const name = Object.getPrototypeOf(value)?.constructor?.name;
    return typeof name === 'string' && name !== 'Object' ? `an instance of ${name}` : 'an object';
  }
  return typeof value;
}
