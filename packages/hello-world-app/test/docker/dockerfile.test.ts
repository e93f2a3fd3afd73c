import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../../package.json';
import { readDockerfileStages } from '../../scripts/dockerfile';
import { DEFAULT_PORT } from '../../src/defaults';
import { HELLO_WORLD_RESOURCES } from '../../src/job/hello-world-job';

const PACKAGE_DIR = join(__dirname, '..', '..');

describe('Dockerfile', () => {
  const stages = readDockerfileStages();
  const install = stages[0];
  const runtime = stages[stages.length - 1];

  it('is multi-stage, every stage on a Node 20 image with a pinned tag', () => {
    expect(stages.map((s) => s.name)).toEqual(['install', 'runtime']);
    for (const stage of stages) {
      expect(stage.image, stage.name).toMatch(/^(node:20\.\d+\.\d+-|gcr\.io\/distroless\/nodejs20-)/);
      expect(stage.image, stage.name).not.toMatch(/:latest$/);
    }
  });

  it('installs the packed tarball with production dependencies only, without the job builder or install scripts', () => {
    expect(install?.copies).toEqual([{ sources: ['dist/image/'], destination: './packages/' }]);
    expect(install?.runs).toEqual([
      'npm install --omit=dev --omit=optional --ignore-scripts --no-audit --no-fund ./packages/*.tgz',
    ]);
  });

  it('copies only the installed node_modules into the runtime stage', () => {
    expect(runtime?.copies).toEqual([
      { from: 'install', sources: ['/app/node_modules'], destination: './node_modules' },
    ]);
    expect(runtime?.runs).toEqual([]);
  });

  it('runs as a non-root user', () => {
    expect(runtime?.user).toBeDefined();
    expect(runtime?.user?.split(':')[0]).not.toMatch(/^(root|0)$/);
    // USER comes before the process starts, so nothing in the runtime stage runs as root afterwards.
    expect(runtime?.keywords.indexOf('USER')).toBeLessThan(runtime?.keywords.indexOf('ENTRYPOINT') ?? -1);
  });

  it('starts node in exec form, so that SIGTERM reaches it, running the package bin', () => {
    expect(runtime?.entrypointIsExecForm).toBe(true);
    expect(runtime?.entrypoint?.[0]).toBe('/nodejs/bin/node');
    expect(runtime?.entrypoint?.at(-1)).toBe(`node_modules/@org/hello-world-app/${manifest.bin['hello-world-app']}`);
    expect(runtime?.keywords).not.toContain('CMD');
  });

  it("caps V8's old generation below the memory the job reserves, so that it collects before the kernel would kill it", () => {
    const flag = runtime?.entrypoint?.find((arg) => arg.startsWith('--max-old-space-size='));
    const oldSpaceMiB = Number(flag?.split('=')[1]);
    expect(oldSpaceMiB).toBeGreaterThan(0);
    expect(oldSpaceMiB).toBeLessThan(HELLO_WORLD_RESOURCES.memory.toMebibytes());
  });

  it('has a HEALTHCHECK in exec form that needs no curl or shell, on the liveness route', () => {
    const command = runtime?.healthcheck?.command ?? [];
    expect(command[0]).toBe('/nodejs/bin/node');
    expect(command.join(' ')).toContain("path: '/health'");
    expect(command.join(' ')).not.toMatch(/curl|wget|\bsh\b/);
    expect(runtime?.healthcheck?.flags).toMatchObject({ interval: '10s', timeout: '3s' });
  });

  it("exposes and configures the server's port, in production mode", () => {
    expect(runtime?.expose).toEqual([String(DEFAULT_PORT)]);
    expect(runtime?.env).toEqual({ NODE_ENV: 'production', PORT: String(DEFAULT_PORT) });
  });
});

describe('.dockerignore', () => {
  it('lets only the packed tarballs into the build context', () => {
    const patterns = readFileSync(join(PACKAGE_DIR, '.dockerignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
    expect(patterns).toEqual(['*', '!dist/image/*.tgz']);
  });
});
