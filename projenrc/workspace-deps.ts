import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { typescript } from 'projen';

/**
 * The dependency spec (`@org/x@^1.2.3`) for a workspace package, at the version
 * its package.json has now. Reading the version back (instead of writing a fixed
 * range here) keeps the ranges that `changeset version` bumps, so npm keeps
 * linking the workspace copy instead of looking for the package in the registry.
 */
export function workspaceDependency(project: typescript.TypeScriptProject): string {
  return `${project.package.packageName}@^${currentVersion(project.outdir)}`;
}

function currentVersion(packageDir: string): string {
  try {
    const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version?: string };
    return manifest.version ?? '0.0.0';
  } catch {
    return '0.0.0'; // first synthesis: the package has no manifest yet
  }
}
