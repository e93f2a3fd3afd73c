import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import manifest from '../package.json';

describe('@org/nomad-constructs package', () => {
  it('takes aws-cdk-lib and constructs from the user as peers, with a range our own pins satisfy', () => {
    expect(manifest.peerDependencies).toEqual({
      'aws-cdk-lib': '^2.257.0',
      constructs: '^10.0.0',
      '@aws-sdk/client-cloudformation': '^3.0.0',
      '@aws-sdk/client-secrets-manager': '^3.0.0',
    });
    expect(manifest.devDependencies['aws-cdk-lib']).toBe('2.257.0');
    expect(manifest.devDependencies.constructs).toMatch(/^10\.\d+\.\d+$/);
    expect(manifest.dependencies).not.toHaveProperty('aws-cdk-lib');
  });

  it('deploys jobs built with @org/jobspec-builder', () => {
    expect(manifest.dependencies['@org/jobspec-builder']).toMatch(/^\^\d+\.\d+\.\d+$/);
  });

  it('installs the nomad-constructs command, whose AWS clients are optional peers (and no bundler or handler library)', () => {
    expect(manifest.bin).toEqual({ 'nomad-constructs': 'bin/nomad-constructs' });
    // What synthesis needs, in ranges an app can share.
    expect(manifest.dependencies).toEqual({ '@org/jobspec-builder': expect.stringMatching(/^\^/), zod: '^4.6.7' });
    // The `env` command's SDK clients: a CDK app does not install them (the command says how to get them).
    expect(manifest.peerDependenciesMeta).toEqual({
      '@aws-sdk/client-cloudformation': { optional: true },
      '@aws-sdk/client-secrets-manager': { optional: true },
    });
    // Bundled into the handlers at build time: consumers never install them.
    for (const bundled of [
      'esbuild',
      '@peculiar/x509',
      '@aws-sdk/client-ec2',
      '@aws-sdk/client-s3',
      '@aws-sdk/client-ecr',
      'reflect-metadata',
    ]) {
      expect(manifest.devDependencies).toHaveProperty([bundled]);
    }
  });
});

describe('the packed tarball', () => {
  it('ships the boot script and the bundled handlers the constructs read at synth time, and not the sources, tests or examples', () => {
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: join(__dirname, '..'),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }),
    ) as { files: { path: string }[] }[];
    const files = (pack?.files ?? []).map((file) => file.path);
    expect(files).toContain('assets/scripts/nomad-bootstrap.sh');
    expect(files).toContain('lib/lambda/cluster-secrets/index.js');
    expect(files).toContain('lib/lambda/acl-bootstrap/index.js');
    expect(files).toContain('lib/lambda/nomad-job/index.js');
    expect(files).toContain('lib/lambda/nomad-image/index.js');
    expect(files).toContain('README.md');
    expect(files).toContain('bin/nomad-constructs');
    expect(
      files.filter((file) => file.startsWith('test/') || file.startsWith('src/') || file.startsWith('examples/')),
    ).toEqual([]);
    // Declaration maps would point at those unshipped sources; the JavaScript maps carry theirs inline.
    expect(files.filter((file) => file.endsWith('.d.ts.map'))).toEqual([]);
  });
});
