import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Component, type javascript } from 'projen';

interface LockEntry {
  version?: string;
  dev?: boolean;
  optional?: boolean;
  os?: string[];
  cpu?: string[];
  libc?: string[];
  optionalDependencies?: Record<string, string>;
}

const PLATFORM =
  /(darwin|win32|freebsd|openbsd|netbsd|sunos|aix|android|linux)-(x64|arm64|arm|ia32|ppc64|s390x|riscv64|loong64)(?:-(gnu|gnueabihf|musl|msvc))?$/;

/**
 * Adds the lock entries of platform-specific optional packages (`@nx/nx-darwin-arm64`,
 * `@biomejs/cli-win32-x64`, ...) that `npm install` left out because the registry
 * it used does not serve them (this project's build machines see linux-glibc builds
 * only). Without them `npm ci` rejects the lock as out of sync. The entries carry
 * the platform fields npm records, so npm skips them on other platforms and fetches
 * them by version where they apply.
 *
 * Returns the lock paths it added.
 */
export function completePlatformEntries(lockfilePath: string): string[] {
  const lock = JSON.parse(readFileSync(lockfilePath, 'utf8')) as { packages: Record<string, LockEntry> };
  const added: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages)) {
    for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
      const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
      const hoisted = `node_modules/${name}`;
      if (lock.packages[nested] || lock.packages[hoisted]?.version === version) {
        continue;
      }
      const platform = PLATFORM.exec(name);
      if (!platform) {
        continue; // not a platform build: an ordinary optional dependency npm resolved or dropped itself
      }
      const [, os, cpu, abi] = platform as unknown as [string, string, string, string | undefined];
      const libc = abi === 'musl' ? ['musl'] : abi === 'gnu' || abi === 'gnueabihf' ? ['glibc'] : undefined;
      const target = lock.packages[hoisted] ? nested : hoisted;
      lock.packages[target] = {
        version,
        cpu: [cpu],
        dev: entry.dev,
        ...(libc ? { libc } : {}),
        optional: true,
        os: [os],
      };
      added.push(target);
    }
  }
  if (added.length > 0) {
    // npm orders lock entries this way: keep its order so its next install changes nothing.
    // npm orders lock entries this way: keep its order so that its next install changes nothing.
    lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => a.localeCompare(b, 'en')));
    writeFileSync(lockfilePath, `${JSON.stringify(lock, null, 2)}\n`);
  }
  return added;
}

/**
 * Installs the npm workspace once, at the root, after synthesis: when the root
 * or any package manifest changed, or nothing is installed yet. projen would
 * otherwise install in each package directory, and in CI (`npm ci`) each of
 * those installs wipes the root node_modules that projen itself runs from.
 * Then completes the lock with {@link completePlatformEntries}.
 */
export class WorkspaceInstall extends Component {
  private readonly packages: javascript.NodeProject[] = [];

  constructor(private readonly root: javascript.NodeProject) {
    super(root);
  }

  /** Takes over the dependency install of a workspace package. */
  addPackage(project: javascript.NodeProject): void {
    // NodePackage has no option to skip its install; packages of a workspace have nothing of their own to install.
    Object.defineProperty(project.package, 'installDependencies', { value: () => undefined });
    this.packages.push(project);
  }

  override postSynthesize(): void {
    const outdir = this.root.outdir;
    // The root's own NodePackage has installed already if the root manifest changed or nothing was installed.
    const rootInstalled = this.root.package.file.changed || !existsSync(join(outdir, 'node_modules'));
    if (!rootInstalled && this.packages.some((p) => p.package.file.changed)) {
      npm(outdir, ['install', '--no-audit', '--no-fund']);
    }
    const lockfile = join(outdir, 'package-lock.json');
    if (existsSync(lockfile) && completePlatformEntries(lockfile).length > 0) {
      // Let npm put the new entries in its own order, so that its next install changes nothing.
      npm(outdir, ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund']);
    }
  }
}

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', args, { cwd, stdio: 'inherit' });
}
