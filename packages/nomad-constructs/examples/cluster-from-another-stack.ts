import { App, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Operations');

// A cluster deployed by another app: its name, its NomadAddr output and its servers' security group.
const nomad = NomadCluster.fromClusterAttributes(stack, 'Nomad', {
  clusterName: 'prod',
  apiUrl: 'https://nomad.example.com',
  serverSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'NomadServers', 'sg-0123456789abcdef0'),
});

// CI runners in another VPC may reach the API (port 4646), and someone hears when jobs wait for capacity.
nomad.connections.allowFrom(ec2.Peer.ipv4('10.20.0.0/16'), ec2.Port.tcp(4646), 'CI runners');
new cloudwatch.Alarm(stack, 'BlockedEvaluations', {
  metric: nomad.metricBlockedEvaluations(),
  threshold: 1,
  evaluationPeriods: 15,
});
