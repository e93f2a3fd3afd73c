import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Job } from '../job';
import { UsageError } from './input';

/**
 * The jobs a module exports: every export that is a {@link Job}, by export
 * name, or the one named by `exportName`. JavaScript modules load as they are;
 * TypeScript modules load through `tsx` from the user's project, which this
 * package does not ship (it would pull esbuild into every install).
 */
export async function loadJobs(
  modulePath: string,
  exportName: string | undefined,
  cwd: string,
): Promise<Map<string, Job>> {
  const absolute = resolve(cwd, modulePath);
  let exports: Record<string, unknown>;
  try {
    exports = /\.[cm]?ts$/.test(absolute)
      ? await importTypeScript(absolute)
      : await import(pathToFileURL(absolute).href);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`cannot load ${modulePath}: ${(error as Error).message}`);
  }
  const jobs = new Map<string, Job>();
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'default' && value && typeof value === 'object' && !(value instanceof Job)) {
      // CommonJS modules loaded through import() put their exports under `default` too.
      for (const [inner, innerValue] of Object.entries(value)) if (isJob(innerValue)) jobs.set(inner, innerValue);
      continue;
    }
    if (isJob(value)) jobs.set(name, value);
  }
  if (exportName !== undefined) {
    const job = jobs.get(exportName);
    if (!job) {
      throw new UsageError(
        `${modulePath} has no exported job named "${exportName}"; exported jobs: ${[...jobs.keys()].sort().join(', ') || 'none'}`,
      );
    }
    return new Map([[exportName, job]]);
  }
  if (jobs.size === 0) {
    throw new UsageError(`${modulePath} exports no Job: export one, e.g. export const web = new Job({...})`);
  }
  return jobs;
}

/**
 * A Job from another copy of this library (the user's project and this CLI may
 * resolve different installs) is recognized by shape, then rebuilt here.
 */
function isJob(value: unknown): value is Job {
  if (value instanceof Job) return true;
  return (
    !!value &&
    typeof value === 'object' &&
    typeof (value as Job).toHcl === 'function' &&
    typeof (value as Job).toApiJson === 'function' &&
    typeof (value as Job).props === 'object'
  );
}

/** tsx is looked up from the module itself, so the project that holds the module provides it. */
async function importTypeScript(path: string): Promise<Record<string, unknown>> {
  const require = createRequire(path);
  let api: { require: (id: string, from: string) => Record<string, unknown> };
  try {
    api = require('tsx/cjs/api') as typeof api;
  } catch {
    throw new UsageError(
      `${path} is TypeScript: install tsx in your project (npm install --save-dev tsx) so jobspec can load it, or compile it to JavaScript first`,
    );
  }
  return api.require(path, path);
}
