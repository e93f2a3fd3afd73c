import { type ExecFileSyncOptions, execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { findWorkspaceRoot } from '../../src/workspace';

/**
 * Set in the environment of tests that run inside a temporary copy of this
 * workspace, so that the copy's own workspace tests do not start yet another copy.
 */
export const NESTED_WORKSPACE_ENV = 'ORG_NESTED_WORKSPACE_TEST';
export const isNestedWorkspaceRun = process.env[NESTED_WORKSPACE_ENV] === '1';

export interface TempRepoOptions {
  /** Reuse this workspace's node_modules through a symlink instead of installing. @default false */
  readonly linkNodeModules?: boolean;
}

/** A throwaway git repository holding the files of this workspace that git would commit. */
export class TempRepo {
  static fromWorkspace(options: TempRepoOptions = {}): TempRepo {
    const source = findWorkspaceRoot();
    const dir = mkdtempSync(join(tmpdir(), 'org-workspace-'));
    const files = git(source, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'])
      .split('\0')
      // Tracked files deleted in the working tree are not part of what is being tested.
      .filter((f) => f.length > 0 && existsSync(join(source, f)));
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(source, file), join(dir, file), { dereference: false, force: true, errorOnExist: false });
    }
    if (options.linkNodeModules) {
      symlinkSync(join(source, 'node_modules'), join(dir, 'node_modules'), 'dir');
    }
    const repo = new TempRepo(dir);
    repo.git('init', '-q', '-b', 'main');
    repo.commitAll('baseline');
    return repo;
  }

  private constructor(readonly dir: string) {}

  git(...args: string[]): string {
    return git(this.dir, args);
  }

  commitAll(message: string): void {
    this.git('add', '-A');
    this.git('-c', 'user.name=test', '-c', 'user.email=test@localhost', 'commit', '-q', '--no-verify', '-m', message);
  }

  /** Runs a command in the repository; throws with its output when it exits non-zero. */
  run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
    const options: ExecFileSyncOptions = {
      cwd: this.dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
      env: { ...isolatedEnv(), NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NO_COLOR: '1', ...env },
    };
    try {
      return execFileSync(command, args, options) as string;
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string; status?: number };
      throw new Error(
        `"${command} ${args.join(' ')}" exited with ${failure.status} in ${this.dir}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`,
      );
    }
  }
}

/**
 * This environment without what an enclosing nx run sets (its workspace root,
 * task ids, forced colors), so that commands in the copy behave as in a fresh shell.
 */
function isolatedEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('NX_') && key !== 'FORCE_COLOR'),
  );
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
