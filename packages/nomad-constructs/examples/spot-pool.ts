import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const cluster = new NomadCluster(stack, 'Cluster');

// One On-Demand instance, everything above it Spot, over three arm64 types (Graviton).
// Jobs opt in with `node_pool = "batch"`.
cluster.addClientPool('batch', {
  instanceTypes: [
    new ec2.InstanceType('m7g.xlarge'),
    new ec2.InstanceType('c7g.xlarge'),
    new ec2.InstanceType('m6g.xlarge'),
  ],
  minCapacity: 1,
  maxCapacity: 20,
  onDemandBaseCapacity: 1,
  onDemandPercentageAboveBaseCapacity: 0,
  meta: { capacity: 'spot' },
});
