import { App, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const cluster = new NomadCluster(stack, 'Cluster');

// NVIDIA driver, container toolkit and the nomad-device-nvidia plugin are installed at boot:
// jobs ask for `device "nvidia/gpu" { count = 1 }` and `node_pool = "gpu"`.
cluster.addClientPool('gpu', {
  instanceTypes: [new ec2.InstanceType('g5.xlarge'), new ec2.InstanceType('g6.xlarge')],
  gpu: true,
  minCapacity: 0,
  maxCapacity: 4,
  volumeSize: Size.gibibytes(200),
  hostVolumes: [{ name: 'models', path: '/srv/models', readOnly: true }],
});
