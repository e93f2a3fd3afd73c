import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { IgnoreMode } from 'aws-cdk-lib';
import type * as ecrAssets from 'aws-cdk-lib/aws-ecr-assets';

/**
 * The build contexts of the two sample images, as `cdk deploy` builds them from the samples' own
 * Dockerfiles (`NomadImage`, a `DockerImageAsset`). Each context holds only what its Dockerfile
 * reads: the staged copy in the cloud assembly stays small, and the asset hash (the image's tag)
 * changes only when the image's inputs do.
 */

/** The root of this repository (the trainer's Dockerfile builds from it): `src/` or `lib/` -> packages/e2e -> packages -> root. */
export const WORKSPACE_ROOT = join(__dirname, '..', '..', '..');

/** A build context: a directory, the Dockerfile in it, and what is left out. */
export interface ImageBuildContext {
  readonly directory: string;
  readonly buildOptions: Omit<ecrAssets.DockerImageAssetOptions, 'platform'>;
}

/**
 * `@org/hello-world-app`: its Dockerfile installs the package's npm tarball (`dist/image/*.tgz`,
 * what `npm install @org/hello-world-app` would get), so the context is the Dockerfile, its
 * .dockerignore and a fresh `npm pack` of the compiled package, in a directory of its own (npm's
 * tarballs are reproducible: the same package gives the same bytes, and the same asset hash).
 */
export function helloWorldAppImageContext(): ImageBuildContext {
  const packageDir = dirname(require.resolve('@org/hello-world-app/package.json'));
  const directory = mkdtempSync(join(tmpdir(), 'hello-world-app-image-'));
  mkdirSync(join(directory, 'dist', 'image'), { recursive: true });
  for (const file of ['Dockerfile', '.dockerignore']) {
    copyFileSync(join(packageDir, file), join(directory, file));
  }
  try {
    execFileSync(
      'npm',
      ['pack', '--pack-destination', join(directory, 'dist', 'image'), '--ignore-scripts', '--silent'],
      {
        cwd: packageDir,
        stdio: ['ignore', 'ignore', 'pipe'],
        encoding: 'utf8',
      },
    );
  } catch (error) {
    throw new Error(
      `Cannot pack @org/hello-world-app for its image (${(error as { stderr?: string }).stderr?.trim() || (error as Error).message}). Build it first: npx nx run @org/hello-world-app:compile`,
    );
  }
  return { directory, buildOptions: {} };
}

/**
 * `@org/trainer`: its Dockerfile builds from the repository root (`npm ci` of the two workspaces,
 * `tsc --build` of their sources, `npm pack`). The context holds exactly what that reads: the root
 * manifests, every workspace's package.json (npm ci checks them), and of the trainer and
 * `@org/jobspec-builder` their manifest, tsconfig.json, src/ and what `npm pack` ships besides the
 * compiled lib/ (the `files` of their package.json, README, LICENSE), plus the trainer's Dockerfile
 * and docker/ scripts. Scratch files, tests and build output stay out, so the image's tag (the
 * context's hash) changes only when the image would.
 */
export function trainerImageContext(): ImageBuildContext {
  return {
    directory: WORKSPACE_ROOT,
    buildOptions: {
      file: 'packages/trainer/Dockerfile',
      ignoreMode: IgnoreMode.DOCKER,
      exclude: [
        '*',
        '!package.json',
        '!package-lock.json',
        '!packages/*/package.json',
        ...packageSources('jobspec-builder'),
        ...packageSources('trainer'),
        '!packages/trainer/Dockerfile',
        '!packages/trainer/Dockerfile.dockerignore',
        '!packages/trainer/docker',
        // What packages/trainer/Dockerfile.dockerignore leaves out, wherever it is.
        '**/node_modules',
        '**/*.tsbuildinfo',
        '**/*.tgz',
      ],
    },
  };
}

/** A workspace package's sources and the files `npm pack` ships besides lib/, as Docker ignore exceptions. */
function packageSources(name: string): string[] {
  const manifest = JSON.parse(readFileSync(join(WORKSPACE_ROOT, 'packages', name, 'package.json'), 'utf8')) as {
    files?: string[];
  };
  const shipped = (manifest.files ?? []).filter((file) => !file.startsWith('!') && file !== 'lib');
  return ['tsconfig.json', 'src', 'README.md', 'LICENSE', ...shipped].map((path) => `!packages/${name}/${path}`);
}
