import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { JobspecError, type JobspecIssue } from '../errors';
import { importHcl } from '../import/parse-hcl';
import { Job } from '../job';
import type { JobProps } from '../model';
import { readApiJob } from '../render/api-json';

export interface InputOptions {
  readonly vars: Readonly<Record<string, string>>;
  /** `--var-file` paths, HCL or JSON, in the order given. @default - none */
  readonly varFiles?: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A jobspec is text; past this size it is almost certainly something else. */
const MAX_INPUT_BYTES = 16 * 1024 * 1024;

/** Reads a job from an HCL jobspec or an API JSON file (`{"Job": {...}}` or the bare job, as `nomad job inspect` prints it). */
export async function readJobFile(path: string, options: InputOptions): Promise<Job> {
  const { job, issues } = await readJobFileLeniently(path, options);
  if (issues.length > 0 || !job) throw new JobspecError(issues);
  return job;
}

/**
 * {@link readJobFile} that reports every problem of the file instead of stopping at the first kind: the job as
 * far as it could be read, and the problems found reading it (`jobspec validate` adds the job's own).
 */
export async function readJobFileLeniently(
  path: string,
  options: InputOptions,
): Promise<{ job?: Job; issues: JobspecIssue[] }> {
  const source = await readText(path);
  if (isJson(path, source)) {
    if (source.trim() === '') throw new InputError(`${path} is empty: give an API JSON job, {"Job": {...}}`);
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      return {
        issues: [
          { code: 'syntax-error', path: '', message: `invalid JSON: ${(error as Error).message}`, location: path },
        ],
      };
    }
    // Every field that cannot be read is a problem of its own; validation then checks the rest.
    const { props, issues } = readApiJob(json);
    return {
      ...(props ? { job: new Job(props as unknown as JobProps) } : {}),
      issues: issues.map((issue) => ({ ...issue, location: path })),
    };
  }
  return importHcl(source, {
    filename: path,
    baseDir: dirname(resolve(path)),
    vars: options.vars,
    varFiles: options.varFiles ?? [],
    env: options.env,
  });
}

/** The file as text, or one line saying why it cannot be read as a jobspec. */
async function readText(path: string): Promise<string> {
  let bytes: Buffer;
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new InputError(`${path} is a directory: give a jobspec file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new InputError(
        `${path} is ${(info.size / 1024 / 1024).toFixed(1)} MiB: a jobspec is a text file of at most 16 MiB`,
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${why}`);
  }
  const nul = bytes.indexOf(0);
  let text: string | undefined;
  try {
    text = nul === -1 ? new TextDecoder('utf-8', { fatal: true }).decode(bytes) : undefined;
  } catch {
    text = undefined;
  }
  if (text === undefined) {
    throw new InputError(
      `${path} is not a text file (${nul === -1 ? 'it is not UTF-8' : `it has a NUL byte at offset ${nul}`}): give an HCL jobspec (.nomad.hcl) or an API JSON job (.json)`,
    );
  }
  return text;
}

function isJson(path: string, source: string): boolean {
  if (path.endsWith('.json')) return true;
  if (/\.(hcl|nomad)$/.test(path)) return false;
  return source.trimStart().startsWith('{');
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** An input file that cannot be read as a jobspec: one line saying why, exit code 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/** `--var name=value` pairs. */
export function parseVars(values: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const pair of values) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--var needs name=value, received "${pair}"`);
    vars[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return vars;
}
