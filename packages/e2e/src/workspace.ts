import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/** What `package.json` says of a workspace package, as far as this repository relies on it. */
export interface PackageManifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly main?: string;
  readonly types?: string;
  readonly exports?: Record<string, unknown>;
  readonly files?: string[];
  readonly bin?: Record<string, string>;
  readonly engines?: Record<string, string>;
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

export interface WorkspacePackage {
  /** Absolute path of the package directory. */
  readonly dir: string;
  readonly manifest: PackageManifest;
}

/** The repository root: the nearest parent of `from` whose package.json declares workspaces. */
export function findWorkspaceRoot(from: string = __dirname): string {
  let dir = from;
  for (;;) {
    const manifestPath = join(dir, 'package.json');
    if (existsSync(manifestPath) && 'workspaces' in JSON.parse(readFileSync(manifestPath, 'utf8'))) {
      return dir;
    }
    const parent = join(dir, '..');
    if (parent === dir) {
      throw new Error(`No package.json with "workspaces" above ${from}: run this inside the repository.`);
    }
    dir = parent;
  }
}

/** Every package under `packages/`, sorted by directory name. */
export function listWorkspacePackages(root: string = findWorkspaceRoot()): WorkspacePackage[] {
  const packagesDir = join(root, 'packages');
  return readdirSync(packagesDir)
    .sort()
    .map((name) => join(packagesDir, name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageManifest }));
}

/** Files under `dir`, relative to it, sorted. */
export function listFiles(dir: string): string[] {
  if (!existsSync(dir)) {
    return [];
  }
  const walk = (current: string): string[] =>
    readdirSync(current).flatMap((entry) => {
      const path = join(current, entry);
      return statSync(path).isDirectory() ? walk(path) : [relative(dir, path)];
    });
  return walk(dir).sort();
}
