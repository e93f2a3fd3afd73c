import { join } from 'node:path';
import { listFiles, listWorkspacePackages } from './workspace';

export interface BuiltPackage {
  readonly name: string;
  readonly version: string;
  readonly published: boolean;
  /** Compiled JavaScript modules under `lib/`. */
  readonly modules: number;
  /** Type declaration files under `lib/`. */
  readonly declarations: number;
}

/** What `lib/` of every workspace package holds now. */
export function collectBuildReport(root?: string): BuiltPackage[] {
  return listWorkspacePackages(root).map(({ dir, manifest }) => {
    const files = listFiles(join(dir, 'lib'));
    return {
      name: manifest.name,
      version: manifest.version,
      published: manifest.private !== true,
      modules: files.filter((f) => f.endsWith('.js')).length,
      declarations: files.filter((f) => f.endsWith('.d.ts')).length,
    };
  });
}

/** A fixed-width table of the build report, one package a line. */
export function formatBuildReport(packages: readonly BuiltPackage[]): string {
  const nameWidth = Math.max(...packages.map((p) => p.name.length), 'package'.length);
  const header = `${'package'.padEnd(nameWidth)}  version  published  modules  declarations`;
  const lines = packages.map(
    (p) =>
      `${p.name.padEnd(nameWidth)}  ${p.version.padEnd(7)}  ${(p.published ? 'yes' : 'no').padEnd(9)}  ${String(p.modules).padStart(7)}  ${String(p.declarations).padStart(12)}`,
  );
  return [header, ...lines].join('\n');
}
