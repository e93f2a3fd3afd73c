import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Component, type javascript } from 'projen';

/**
 * Installs the npm workspace once, at the root, after synthesis: when the root
 * or any package manifest changed, or nothing is installed yet. projen would
 * otherwise install in each package directory, and in CI (`npm ci`) each of
 * those installs wipes the root node_modules that projen itself runs from.
 */
export class WorkspaceInstall extends Component {
  private readonly packages: javascript.NodeProject[] = [];

  constructor(private readonly root: javascript.NodeProject) {
    super(root);
  }

  /** Takes over the dependency install of a workspace package. */
  addPackage(project: javascript.NodeProject): void {
    // A package of the workspace installs nothing of its own: projen runs these tasks after synthesis
    // when the package's manifest changed, and the root installs every package once instead.
    for (const name of ['install', 'install:ci']) {
      const task = project.tasks.tryFind(name);
      if (!task) {
        throw new Error(`${project.name}: projen has no "${name}" task to hand over to the workspace root`);
      }
      task.reset();
      task.description = 'Installed by the workspace root: run `npm install` at the repository root';
    }
    this.packages.push(project);
  }

  override postSynthesize(): void {
    const outdir = this.root.outdir;
    // The root's own NodePackage has installed already if the root manifest changed or nothing was installed.
    const rootInstalled = this.root.package.file.changed || !existsSync(join(outdir, 'node_modules'));
    if (!rootInstalled && this.packages.some((p) => p.package.file.changed)) {
      npm(outdir, ['install', '--no-audit', '--no-fund']);
    }
  }
}

function npm(cwd: string, args: string[]): void {
  execFileSync('npm', args, { cwd, stdio: 'inherit' });
}
