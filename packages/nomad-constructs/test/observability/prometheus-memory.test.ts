import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type App, Size } from 'aws-cdk-lib';
import type * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { describe, expect, it } from 'vitest';
import { NomadCluster } from '../../src';
import { NomadObservability } from '../../src/observability/nomad-observability';
import { newStack } from '../helpers';

describe('NomadObservability prometheusMemory', () => {
  it("sets the Prometheus task's memory (and twice as much as its maximum)", () => {
    const stack = newStack({ env: { account: '123456789012', region: 'eu-west-1' } });
    const cluster = new NomadCluster(stack, 'Cluster', { clusterName: 'prod' });
    const pool = cluster.addClientPool('observability', { hostVolumes: NomadObservability.hostVolumes() });
    const observability = new NomadObservability(stack, 'Observability', {
      cluster,
      pool,
      prometheusMemory: Size.mebibytes(512),
    });
    // A job this large travels as an S3 asset: read the staged file.
    const asset = observability.prometheusJob.node.findChild('Spec') as s3assets.Asset;
    const staged = join((stack.node.root as App).outdir, asset.assetPath);
    const spec = JSON.parse(readFileSync(staged, 'utf8')) as { Job?: unknown };
    const job = (spec.Job ?? spec) as {
      TaskGroups: Array<{ Tasks: Array<{ Name: string; Resources: { MemoryMB: number; MemoryMaxMB: number } }> }>;
    };
    const prometheus = job.TaskGroups[0]?.Tasks.find((task) => task.Name === 'prometheus');
    expect(prometheus?.Resources).toMatchObject({ MemoryMB: 512, MemoryMaxMB: 1024 });
  });
});
