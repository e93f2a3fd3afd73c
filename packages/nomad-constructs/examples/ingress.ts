import { App, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NomadCluster, NomadIngress } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: 'example.com',
});
const cluster = new NomadCluster(stack, 'Cluster', {
  ui: {
    internetFacing: true,
    domainName: 'nomad.example.com',
    hostedZone: zone,
    allowedCidrs: ['203.0.113.0/24'],
  },
  // One NAT instance instead of a NAT gateway: about $7 a month against $37.
  natGatewayProvider: ec2.NatProvider.instanceV2({
    instanceType: new ec2.InstanceType('t4g.nano'),
    associatePublicIpAddress: true,
    defaultAllowedTraffic: ec2.NatTrafficDirection.OUTBOUND_ONLY,
  }),
});
const web = cluster.addClientPool('web', { minCapacity: 2, maxCapacity: 3 });

// Traefik on every client of the pool; the load balancer sends it https://nomad.example.com/
// (the Nomad UI keeps /ui/ and the API /v1/). Services expose themselves with tags.
new NomadIngress(stack, 'Ingress', { cluster, pool: web });
