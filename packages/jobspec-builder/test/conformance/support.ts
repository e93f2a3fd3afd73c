import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type CliIo, runCli } from '../../src/cli/cli';
import { sharedPath } from '../support/shared';

/** Real jobspecs and Nomad's own parser outputs (shared/conformance, beside the repository in CI). */
export const CONFORMANCE_DIR = sharedPath('conformance');
export const PAIRS_DIR = join(CONFORMANCE_DIR, 'pairs');
export const JOBSPECS_DIR = join(CONFORMANCE_DIR, 'jobspecs');

export const pairNames = readdirSync(PAIRS_DIR)
  .filter((file) => file.endsWith('.expected.json'))
  .map((file) => file.replace('.expected.json', ''))
  .sort();

export const corpusFiles = readdirSync(JOBSPECS_DIR)
  .filter((file) => file !== 'SOURCES.tsv')
  .sort();

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Runs the CLI in-process; returns its exit code and output. */
export async function cli(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    env,
    cwd: process.cwd(),
  };
  const code = await runCli(args, io);
  return { code, stdout, stderr };
}

/**
 * Where `actual` differs from the sparse `expected` (conformance README): every
 * expected key must be present with an equal value; a missing or null expected
 * value means unset, and an expected zero value (0, "", false, empty) matches an
 * absent key, as Go's zero values do; lists compare element by element.
 */
export function missesAgainst(expected: unknown, actual: unknown, path = 'Job'): string[] {
  if (expected === null || expected === undefined) return [];
  // Go's zero values: a field the output leaves out is unset, which is the same job.
  if (actual === undefined && isZeroValue(expected)) return [];
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, received ${JSON.stringify(actual)}`];
    const misses =
      expected.length === actual.length
        ? []
        : [`${path}: expected ${expected.length} items, received ${actual.length}`];
    return [...misses, ...expected.flatMap((item, i) => missesAgainst(item, actual[i], `${path}[${i}]`))];
  }
  if (typeof expected === 'object') {
    if (!actual || typeof actual !== 'object')
      return [`${path}: expected an object, received ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([key, value]) =>
      missesAgainst(value, (actual as Record<string, unknown>)[key], `${path}.${key}`),
    );
  }
  return expected === actual
    ? []
    : [`${path}: expected ${JSON.stringify(expected)}, received ${JSON.stringify(actual)}`];
}

function isZeroValue(value: unknown): boolean {
  if (value === 0 || value === '' || value === false) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === 'object') return Object.values(value).every((v) => v === null || isZeroValue(v));
  return false;
}
