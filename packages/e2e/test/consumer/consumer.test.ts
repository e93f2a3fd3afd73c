import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { findWorkspaceRoot } from '../../src/workspace';
import { isNestedWorkspaceRun } from '../workspace/temp-repo';

const run = promisify(execFile);
const ROOT = findWorkspaceRoot();
/** The packages this repository publishes, as users install them. */
const PUBLISHED = ['jobspec-builder', 'nomad-constructs', 'hello-world-app', 'trainer'];

/** The app a user writes: a cluster, a client pool and hello-world as a NomadJob, synthesized into `out`. */
const APP_SOURCE = `import { App, Stack } from 'aws-cdk-lib';
import { NomadCluster, NomadJob } from '@org/nomad-constructs';
import { helloWorldJob } from '@org/hello-world-app/job';

const app = new App({ outdir: 'out' });
const stack = new Stack(app, 'Consumer');
const cluster = new NomadCluster(stack, 'Nomad');
cluster.addClientPool('general');
new NomadJob(stack, 'HelloWorld', {
  cluster,
  job: helloWorldJob({ image: 'public.ecr.aws/docker/library/nginx:1.27', nodePool: 'general', count: 2 }),
});
app.synth();
`;

/**
 * A user's CDK apps outside this repository: the published packages packed (`npm pack`) and
 * installed from their tarballs with aws-cdk-lib, constructs and TypeScript into a fresh directory
 * (no workspace link, no hoisted node_modules of ours), then a CommonJS app and an ECMAScript-module
 * app, each compiled with tsc and run with node.
 */
describe.skipIf(isNestedWorkspaceRun)('the published packages in fresh CDK apps (packed tarballs)', () => {
  const consumer = mkdtempSync(join(tmpdir(), 'nomad-consumer-'));

  beforeAll(async () => {
    const tarballs = join(consumer, 'tarballs');
    mkdirSync(tarballs);
    for (const name of PUBLISHED) {
      await run('npm', ['pack', '--pack-destination', tarballs, '--silent'], { cwd: join(ROOT, 'packages', name) });
    }
    const root = JSON.parse(readFileSync(join(ROOT, 'packages', 'nomad-constructs', 'package.json'), 'utf8')) as {
      devDependencies: Record<string, string>;
    };
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...readdirSync(tarballs).map((file) => join(tarballs, file)),
        `aws-cdk-lib@${root.devDependencies['aws-cdk-lib']}`,
        `constructs@${root.devDependencies.constructs}`,
        `typescript@${root.devDependencies.typescript}`,
        `@types/node@${root.devDependencies['@types/node']}`,
      ],
      { cwd: consumer, maxBuffer: 16 * 1024 * 1024 },
    );
  });

  async function compileAndSynth(kind: 'commonjs' | 'module'): Promise<Record<string, { Type: string }>> {
    const dir = join(consumer, kind);
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${kind}`, private: true, type: kind }));
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          // node16 with "type": "commonjs" emits CommonJS (and resolves the packages' exports maps).
          module: kind === 'module' ? 'nodenext' : 'node16',
          moduleResolution: kind === 'module' ? 'nodenext' : 'node16',
          strict: true,
          outDir: 'lib',
          types: ['node'],
          typeRoots: [join(consumer, 'node_modules', '@types')],
        },
        include: ['src'],
      }),
    );
    writeFileSync(join(dir, 'src', 'app.ts'), APP_SOURCE);
    const tsc = join(consumer, 'node_modules', 'typescript', 'bin', 'tsc');
    await run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: dir }).catch((error: { stdout?: string }) => {
      throw new Error(`tsc failed in the ${kind} app:\n${error.stdout ?? String(error)}`);
    });
    await run(process.execPath, ['lib/app.js'], { cwd: dir, env: { ...process.env, JSII_DEPRECATED: 'quiet' } });
    const template = JSON.parse(readFileSync(join(dir, 'out', 'Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    return template.Resources;
  }

  it.each(['commonjs', 'module'] as const)(
    'a %s app compiles and synthesizes a cluster with a NomadJob',
    async (kind) => {
      const resources = Object.values(await compileAndSynth(kind));
      const count = (type: string) => resources.filter((resource) => resource.Type === type).length;
      expect(count('Custom::NomadJob')).toBe(1);
      expect(count('AWS::AutoScaling::AutoScalingGroup')).toBe(2);
      expect(count('Custom::NomadAcl')).toBe(1);
      // The handlers come bundled in the tarball: no esbuild, no Docker, no TypeScript sources of ours.
      const assets = readdirSync(join(consumer, kind, 'out')).filter((entry) => entry.startsWith('asset.'));
      expect(assets.length).toBeGreaterThan(0);
    },
  );
});
