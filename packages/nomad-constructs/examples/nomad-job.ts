import { join } from 'node:path';
import { Check, Job, Duration as JobDuration, Port, Size } from '@org/jobspec-builder';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { NomadCluster, NomadImage, NomadJob } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');

// Built by `cdk deploy` from ./web for the pool's architecture, copied into this repository, and
// scanned: a CRITICAL finding fails the deploy before any job runs the image.
const repository = new ecr.Repository(stack, 'WebRepository', {
  imageScanOnPush: true,
  imageTagMutability: ecr.TagMutability.IMMUTABLE,
});
const image = new NomadImage(stack, 'WebImage', { cluster, repository, directory: join(__dirname, 'web') });

// Registered by the deploy, which waits for its deployment: a canary that fails its check is
// reverted by Nomad, and the stack rolls back to the previous version of the job.
new NomadJob(stack, 'Web', {
  cluster,
  job: new Job({
    id: 'web',
    nodePool: 'general',
    groups: [
      {
        name: 'web',
        count: 2,
        update: { canary: 1, autoPromote: true, autoRevert: true, healthyDeadline: JobDuration.minutes(2) },
        networks: [{ ports: [Port.dynamic('http', { to: 80 })] }],
        services: [{ name: 'web', port: 'http', provider: 'nomad', checks: [Check.http('/', { name: 'alive' })] }],
        tasks: [
          {
            name: 'nginx',
            driver: 'docker',
            config: { image: image.imageUri, ports: ['http'] },
            resources: { cpu: 100, memory: Size.mebibytes(64) },
          },
        ],
      },
    ],
  }),
  timeout: Duration.minutes(15),
});
