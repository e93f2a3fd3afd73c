import { App, Stack } from 'aws-cdk-lib';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');

// 3 servers over 3 Availability Zones in a new VPC, and one On-Demand client.
const cluster = new NomadCluster(stack, 'Cluster');
cluster.addClientPool('general');
