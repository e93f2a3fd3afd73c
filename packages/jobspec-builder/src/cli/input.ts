import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { JobspecError } from '../errors';
import { parseHcl } from '../import/parse-hcl';
import { Job } from '../job';

export interface InputOptions {
  readonly vars: Readonly<Record<string, string>>;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** Reads a job from an HCL jobspec or an API JSON file (`{"Job": {...}}` or the bare job, as `nomad job inspect` prints it). */
export async function readJobFile(path: string, options: InputOptions): Promise<Job> {
  let source: string;
  try {
    source = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (isJson(path, source)) {
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw new JobspecError([
        { code: 'syntax-error', path: '', message: `invalid JSON: ${(error as Error).message}`, location: path },
      ]);
    }
    return Job.fromApiJson(json);
  }
  return parseHcl(source, { filename: path, baseDir: dirname(resolve(path)), vars: options.vars, env: options.env });
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
