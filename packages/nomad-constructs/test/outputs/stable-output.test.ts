import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import { Construct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { NomadCluster, NomadObservability } from '../../src';
import { newStack } from '../helpers';

const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');
const outputNames = (stack: Stack) => Object.keys(Template.fromStack(stack).toJSON().Outputs ?? {}).sort();

/** The README's table of stack outputs (first column). */
function readmeOutputs(): string[] {
  const table = readme.split('| Output | Value |')[1]?.split('\n\n')[0] ?? '';
  return [...table.matchAll(/^\| `(\w+)` \|/gm)].map((match) => match[1] as string).sort();
}

describe('stack outputs', () => {
  it('are named after the construct path in the stack, so two clusters in one stack keep theirs apart', () => {
    const stack = newStack();
    new NomadCluster(stack, 'Cluster');
    new NomadCluster(new Construct(stack, 'Team'), 'Nomad-2', { clusterName: 'second' });
    expect(outputNames(stack)).toEqual([
      'ClusterCaCertificateSecretArn',
      'ClusterCliEnvironment',
      'ClusterEnvConfig',
      'ClusterManagementTokenSecretArn',
      'ClusterNomadAddr',
      'TeamNomad2CaCertificateSecretArn',
      'TeamNomad2CliEnvironment',
      'TeamNomad2EnvConfig',
      'TeamNomad2ManagementTokenSecretArn',
      'TeamNomad2NomadAddr',
    ]);
  });

  it('are the ones the README lists, each found in a synthesized template', () => {
    const plain = newStack();
    new NomadCluster(plain, 'Cluster');
    const withUi = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const cluster = new NomadCluster(withUi, 'Cluster', {
      uiReadOnlyToken: true,
      ui: {
        certificate: acm.Certificate.fromCertificateArn(
          withUi,
          'Certificate',
          'arn:aws:acm:eu-west-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
        ),
      },
    });
    const pool = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
    new NomadObservability(withUi, 'Observability', { cluster, pool });
    const synthesized = [...new Set([...outputNames(plain), ...outputNames(withUi)])].sort();
    expect(readmeOutputs()).toEqual(synthesized);
  });
});
