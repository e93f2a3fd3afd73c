import type { JobspecIssue } from '../../errors';
import { Duration } from '../../values';
import type { GroupProps, JobProps } from './props';

// What every rule family shares: the job and group being checked, how issues are added, and value helpers.

export type Add = (code: JobspecIssue['code'], path: string, message: string) => void;

export interface JobContext {
  readonly job: JobProps;
  /** The job type, `undefined` when it is an HCL expression. */
  readonly type: string | undefined;
  readonly add: Add;
}

export interface GroupContext extends JobContext {
  readonly group: GroupProps;
  readonly path: string;
}

export const SECOND = 1_000_000_000n;
// ---------------------------------------------------------------------------------------------------------------
// Helpers

export function isBatchLike(type: string): boolean {
  return type === 'batch' || type === 'sysbatch';
}

export function allowsUpdate(type: string): boolean {
  return type === 'service' || type === 'system';
}

/** Reports the second and later items sharing a name; HCL expressions are skipped. */
export function duplicates<T>(
  items: readonly T[],
  name: (item: T) => unknown,
  path: string,
  add: Add,
  message: (name: string, first: number, second: number) => string,
): void {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const value = name(item);
    if (typeof value !== 'string') return;
    const first = seen.get(value);
    if (first !== undefined) add('duplicate-name', `${path}[${value}]`, message(value, first + 1, i + 1));
    else seen.set(value, i);
  });
}

export function negativeDuration(value: Duration | undefined, path: string, what: string, add: Add): void {
  if (value?.isNegative())
    add('invalid-duration', path, `${what} is negative: received ${value.toGoString()}, allowed 0 or more`);
}

export function isNumeric(port: string): boolean {
  // strconv.Atoi.
  return /^[+-]?\d+$/.test(port);
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

export function isString(value: unknown): value is string {
  return typeof value === 'string';
}

export function asList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter(isString) : [];
}

/** How a list item is named in paths: its label, or `?` for an HCL expression. */
export function labelOf(value: unknown): string {
  return typeof value === 'string' ? value : '?';
}

/** A value that is unset or a string (not an HCL expression). */
export function isPlain(value: unknown): value is string | undefined {
  return value === undefined || typeof value === 'string';
}

export function emptyStr(value: unknown): boolean {
  return value === undefined || value === '';
}

export function q(value: string): string {
  return JSON.stringify(value);
}

export function show(value: unknown): string {
  if (typeof value === 'string') return q(value);
  if (value instanceof Duration) return value.toGoString();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return 'an HCL expression';
}

export function listOrNone(values: readonly string[]): string {
  return values.length > 0 ? values.map(q).join(', ') : 'none';
}
