import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, it } from 'vitest';
import { findWorkspaceRoot } from '../../src/workspace';
import { isNestedWorkspaceRun } from '../workspace/temp-repo';

const run = promisify(execFile);
const ROOT = findWorkspaceRoot();
/** The packages this repository publishes, as users install them. */
const PUBLISHED = ['jobspec-builder', 'nomad-constructs', 'hello-world-app', 'trainer'];

/** The versions of cdk-nag users run: 2 on the aws-cdk-lib we build with, 3 on a newer one (3.x needs aws-cdk-lib >= 2.258). */
const CDK_NAG_2 = '2.38.2';
const CDK_NAG_3 = { cdkNag: '3.0.2', awsCdkLib: '2.278.0' };

/**
 * The app a user writes: a cluster, a client pool and hello-world as a NomadJob, with cdk-nag's
 * AwsSolutions and NIST 800-53 rev 5 packs (cdk-nag 2: aspects with a logger), synthesized into
 * `out`; prints the findings nobody suppressed, as JSON.
 */
const APP_SOURCE = `import { App, Aspects, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, type INagLogger, NIST80053R5Checks } from 'cdk-nag';
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
// The user's own bucket (no access logs, no TLS-only policy): cdk-nag must report it, and only it.
new s3.Bucket(stack, 'UserBucket');
const unsuppressed: string[] = [];
const logger: INagLogger = {
  onCompliance() {},
  onNotApplicable() {},
  onSuppressed() {},
  onSuppressedError() {},
  onNonCompliance: (data) => unsuppressed.push(\`\${data.ruleId}[\${data.findingId}] \${data.resource.node.path}\`),
  onError: (data) => unsuppressed.push(\`\${data.ruleId} (could not run) \${data.resource.node.path}\`),
};
Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [logger] }));
Aspects.of(app).add(new NIST80053R5Checks({ reports: false, additionalLoggers: [logger] }));
app.synth();
console.log(JSON.stringify(unsuppressed));
`;

/**
 * The same app with cdk-nag 3, which runs as an aws-cdk-lib validation plugin after synthesis and
 * writes what it found to the cloud assembly's validation report (plain CommonJS: no compiler here).
 */
const CDK_NAG_3_APP = `const { App, Stack, Validations } = require('aws-cdk-lib');
const s3 = require('aws-cdk-lib/aws-s3');
const { AwsSolutionsChecks, NIST80053R5Checks } = require('cdk-nag');
const { NomadCluster, NomadJob } = require('@org/nomad-constructs');
const { helloWorldJob } = require('@org/hello-world-app/job');

// Findings are read from the validation report, rather than failing the synthesis.
const app = new App({ outdir: 'out', context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
const stack = new Stack(app, 'Consumer');
const cluster = new NomadCluster(stack, 'Nomad');
cluster.addClientPool('general');
new NomadJob(stack, 'HelloWorld', {
  cluster,
  job: helloWorldJob({ image: 'public.ecr.aws/docker/library/nginx:1.27', nodePool: 'general', count: 2 }),
});
// The user's own bucket (no access logs, no TLS-only policy): cdk-nag must report it, and only it.
new s3.Bucket(stack, 'UserBucket');
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new NIST80053R5Checks(app));
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
        `cdk-nag@${CDK_NAG_2}`,
        `typescript@${root.devDependencies.typescript}`,
        `@types/node@${root.devDependencies['@types/node']}`,
      ],
      { cwd: consumer, maxBuffer: 16 * 1024 * 1024 },
    );
  });

  async function compileAndSynth(
    kind: 'commonjs' | 'module',
  ): Promise<{ resources: Record<string, { Type: string }>; unsuppressed: string[] }> {
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
    const { stdout } = await run(process.execPath, ['lib/app.js'], {
      cwd: dir,
      env: { ...process.env, JSII_DEPRECATED: 'quiet' },
      maxBuffer: 16 * 1024 * 1024,
    });
    const template = JSON.parse(readFileSync(join(dir, 'out', 'Consumer.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string }>;
    };
    return { resources: template.Resources, unsuppressed: JSON.parse(stdout.trim().split('\n').at(-1) ?? '') };
  }

  // The three apps are separate child processes in separate directories: they run at the same time.
  it.concurrent.for(['commonjs', 'module'] as const)(
    'a %s app compiles and synthesizes a cluster with a NomadJob; cdk-nag 2 finds only what the user created',
    async (kind, { expect }) => {
      const synthesized = await compileAndSynth(kind);
      // The constructs carry their reviewed suppressions: AwsSolutions and NIST 800-53 rev 5 find the
      // user's own bucket, and nothing of ours.
      expect(synthesized.unsuppressed).toContain('AwsSolutions-S1[] Consumer/UserBucket/Resource');
      expect(synthesized.unsuppressed.filter((finding) => !finding.endsWith(' Consumer/UserBucket/Resource'))).toEqual(
        [],
      );
      const resources = Object.values(synthesized.resources);
      const count = (type: string) => resources.filter((resource) => resource.Type === type).length;
      expect(count('Custom::NomadJob')).toBe(1);
      expect(count('AWS::AutoScaling::AutoScalingGroup')).toBe(2);
      expect(count('Custom::NomadAcl')).toBe(1);
      // The handlers come bundled in the tarball: no esbuild, no Docker, no TypeScript sources of ours.
      const assets = readdirSync(join(consumer, kind, 'out')).filter((entry) => entry.startsWith('asset.'));
      expect(assets.length).toBeGreaterThan(0);
    },
  );

  it.concurrent('an app with cdk-nag 3 (on a newer aws-cdk-lib) finds only what the user created too', async ({
    expect,
  }) => {
    const dir = join(consumer, 'cdk-nag-3');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer-cdk-nag-3', private: true }));
    const tarballs = join(consumer, 'tarballs');
    await run(
      'npm',
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        ...readdirSync(tarballs).map((file) => join(tarballs, file)),
        `aws-cdk-lib@${CDK_NAG_3.awsCdkLib}`,
        'constructs@10.8.1',
        `cdk-nag@${CDK_NAG_3.cdkNag}`,
      ],
      { cwd: dir, maxBuffer: 16 * 1024 * 1024 },
    );
    writeFileSync(join(dir, 'app.js'), CDK_NAG_3_APP);
    await run(process.execPath, ['app.js'], { cwd: dir, env: { ...process.env, JSII_DEPRECATED: 'quiet' } });
    const report = JSON.parse(readFileSync(join(dir, 'out', 'validation-report.json'), 'utf8')) as {
      pluginReports: {
        pluginName: string;
        violations: { ruleName: string; violatingConstructs: { constructPath: string }[] }[];
      }[];
    };
    const findings = report.pluginReports
      .filter((plugin) => plugin.pluginName !== 'Construct Annotations')
      .flatMap((plugin) =>
        plugin.violations.flatMap((violation) =>
          violation.violatingConstructs.map((construct) => `${violation.ruleName} ${construct.constructPath}`),
        ),
      );
    expect(findings).toContain('AwsSolutions-S1 Consumer/UserBucket/Resource');
    expect(findings.filter((finding) => !finding.endsWith(' Consumer/UserBucket/Resource'))).toEqual([]);
  });
});
