import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { InterfaceEndpoint, NomadCluster } from '../src';

const app = new App();
// A VPC lookup needs the account and region (and AWS credentials at `cdk synth`).
const stack = new Stack(app, 'Nomad', { env: { account: '123456789012', region: 'eu-west-1' } });
const vpc = ec2.Vpc.fromLookup(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0' });

// Servers and clients go to the private subnets with egress; the endpoints keep ECR pulls and
// Session Manager traffic off the NAT gateways.
const cluster = new NomadCluster(stack, 'Cluster', {
  vpc,
  interfaceEndpoints: [InterfaceEndpoint.ECR, InterfaceEndpoint.SSM],
});
cluster.addClientPool('general');
