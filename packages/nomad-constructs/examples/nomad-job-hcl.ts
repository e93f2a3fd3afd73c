import { join } from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import { NomadCluster, NomadJob } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');

// An HCL jobspec, read and checked at synth time, with its variables as `nomad job run -var` takes them.
// Periodic jobs are registered only: Nomad launches a run every night.
new NomadJob(stack, 'Report', {
  cluster,
  hclFile: join(__dirname, 'report.nomad.hcl'),
  variables: { image: 'public.ecr.aws/docker/library/busybox:1.37' },
  purge: true,
});
