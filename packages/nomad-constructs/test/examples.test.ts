import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const PACKAGE_DIR = join(__dirname, '..');
const EXAMPLES_DIR = join(PACKAGE_DIR, 'examples');
const examples = readdirSync(EXAMPLES_DIR)
  .filter((file) => file.endsWith('.ts'))
  .sort();
const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');

interface Synthesized {
  readonly templates: Record<string, { Resources: Record<string, { Type: string }> }>;
  readonly warnings: string[];
}

/**
 * Runs an example as the CDK CLI would (CDK_OUTDIR set, so the app synthesizes on exit) and reads
 * the cloud assembly it wrote.
 */
async function synthesize(example: string): Promise<Synthesized> {
  const outdir = mkdtempSync(join(tmpdir(), 'nomad-example-'));
  await promisify(execFile)(process.execPath, ['--import', 'tsx', join(EXAMPLES_DIR, example)], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, CDK_OUTDIR: outdir },
  });
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<
      string,
      { type: string; properties?: { templateFile?: string }; additionalMetadataFile?: string }
    >;
  };
  const templates: Synthesized['templates'] = {};
  const warnings: string[] = [];
  for (const [name, artifact] of Object.entries(manifest.artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || artifact.properties?.templateFile === undefined) {
      continue;
    }
    templates[name] = JSON.parse(readFileSync(join(outdir, artifact.properties.templateFile), 'utf8'));
    const metadata: Record<string, { type: string; data: unknown }[]> =
      artifact.additionalMetadataFile === undefined
        ? {}
        : JSON.parse(readFileSync(join(outdir, artifact.additionalMetadataFile), 'utf8'));
    for (const entries of Object.values(metadata)) {
      warnings.push(...entries.filter((entry) => entry.type === 'aws:cdk:warning').map((entry) => String(entry.data)));
    }
  }
  return { templates, warnings };
}

/** The README shows the examples as users write them: importing the package, not `../src`. */
function asInReadme(example: string): string {
  return readFileSync(join(EXAMPLES_DIR, example), 'utf8').replaceAll(
    "from '../src';",
    "from '@org/nomad-constructs';",
  );
}

describe('README examples', () => {
  const results = new Map<string, Synthesized>();

  beforeAll(async () => {
    // In parallel: each is a Node process that loads aws-cdk-lib.
    const synthesized = await Promise.all(
      examples.map(async (example) => [example, await synthesize(example)] as const),
    );
    for (const [example, result] of synthesized) {
      results.set(example, result);
    }
  }, 120_000);

  it('are the ones the README promises', () => {
    expect(examples).toEqual([
      'bring-your-own-vpc.ts',
      'cluster-from-another-stack.ts',
      'gpu-pool.ts',
      'https-ui.ts',
      'ingress.ts',
      'nomad-job-hcl.ts',
      'nomad-job.ts',
      'observability.ts',
      'operator-access.ts',
      'smallest-cluster.ts',
      'spot-pool.ts',
      'workload-identity.ts',
    ]);
  });

  it.each(examples)('%s is in the README, word for word', (example) => {
    expect(readme).toContain(`\`\`\`ts\n${asInReadme(example)}\`\`\``);
  });

  const typesOf = (example: string): string[] => {
    const templates = Object.values(results.get(example)?.templates ?? {});
    expect(templates).toHaveLength(1);
    return Object.values(templates[0]?.Resources ?? {}).map((resource) => resource.Type);
  };

  it.each(examples.filter((example) => example !== 'cluster-from-another-stack.ts'))(
    '%s synthesizes a stack with a Nomad cluster',
    (example) => {
      const groups = typesOf(example).filter((type) => type === 'AWS::AutoScaling::AutoScalingGroup');
      expect(groups.length).toBeGreaterThanOrEqual(2);
    },
  );

  it('cluster-from-another-stack.ts opens the imported servers and alarms on their metric, creating no cluster', () => {
    expect(typesOf('cluster-from-another-stack.ts').sort()).toEqual([
      'AWS::CloudWatch::Alarm',
      'AWS::EC2::SecurityGroupIngress',
    ]);
  });

  it('nomad-job.ts deploys an image and a job, nomad-job-hcl.ts a job read from its HCL file', () => {
    expect(
      typesOf('nomad-job.ts')
        .filter((type) => type.startsWith('Custom::Nomad'))
        .sort(),
    ).toEqual([
      'Custom::NomadAcl',
      'Custom::NomadArtifacts',
      'Custom::NomadClusterSecrets',
      'Custom::NomadImage',
      'Custom::NomadJob',
    ]);
    const report = Object.values(
      Object.values(results.get('nomad-job-hcl.ts')?.templates ?? {})[0]?.Resources ?? {},
    ).find((resource) => resource.Type === 'Custom::NomadJob') as
      | { Properties: { Job: string; Periodic: boolean; Purge: boolean } }
      | undefined;
    expect(report?.Properties).toMatchObject({ Periodic: true, Purge: true });
    expect(JSON.parse(report?.Properties.Job ?? '{}').Job.TaskGroups[0].Tasks[0].Config.image).toBe(
      'public.ecr.aws/docker/library/busybox:1.37',
    );
  });

  it('workload-identity.ts creates the OIDC provider, the issuer distribution and the workload role', () => {
    const types = typesOf('workload-identity.ts');
    expect(types.filter((type) => type === 'AWS::IAM::OIDCProvider')).toHaveLength(1);
    expect(types.filter((type) => type === 'AWS::CloudFront::Distribution')).toHaveLength(1);
    expect(types).toContain('Custom::NomadJob');
  });

  it('documents exactly what the smallest cluster creates', () => {
    const template = Object.values(results.get('smallest-cluster.ts')?.templates ?? {})[0];
    const counts = new Map<string, number>();
    for (const { Type } of Object.values(template?.Resources ?? {})) {
      counts.set(Type, (counts.get(Type) ?? 0) + 1);
    }
    const section = readme.split('## What gets created')[1]?.split('\n## ')[0] ?? '';
    const documented = [...section.matchAll(/^\| `(AWS::[\w:]+|Custom::[\w]+)` \| (\d+) \|/gm)].map(
      (match) => [match[1], Number(match[2])] as const,
    );
    expect(new Map(documented)).toEqual(counts);
  });

  it('warns about two zones for a looked-up VPC with two (the lookup dummy has two)', () => {
    expect(results.get('bring-your-own-vpc.ts')?.warnings.join('\n')).toContain('span 2 Availability Zone(s)');
    // The smallest cluster (an environment-agnostic stack) warns only that its zones are picked at deploy time.
    expect(results.get('smallest-cluster.ts')?.warnings).toEqual([
      expect.stringContaining('[ack: @org/nomad-constructs:zonesPickedAtDeploy]'),
    ]);
  });
});
