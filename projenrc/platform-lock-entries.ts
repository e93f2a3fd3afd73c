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
 * Keeps `package-lock.json` installable on every platform although this project's build machines
 * reach a registry that serves linux-glibc builds only: after each synthesis (and after the
 * workspace install, which is registered before it), adds the missing platform entries with
 * {@link completePlatformEntries} and lets npm re-sort the lock. Without it, `npm ci` on a Mac or
 * in a musl container rejects the lock as out of sync.
 */
export class PlatformLockEntries extends Component {
  constructor(private readonly root: javascript.NodeProject) {
    super(root);
  }

  override postSynthesize(): void {
    const lockfile = join(this.root.outdir, 'package-lock.json');
    if (existsSync(lockfile) && completePlatformEntries(lockfile).length > 0) {
      // Let npm put the new entries in its own order, so that its next install changes nothing.
      execFileSync('npm', ['install', '--package-lock-only', '--ignore-scripts', '--no-audit', '--no-fund'], {
        cwd: this.root.outdir,
        stdio: 'inherit',
      });
    }
  }
}
