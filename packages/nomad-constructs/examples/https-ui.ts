import { App, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NomadCluster } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad');
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: 'example.com',
});

// HTTPS on nomad.example.com: certificate created and validated in the zone, HTTP redirected,
// reachable from the office range only.
const cluster = new NomadCluster(stack, 'Cluster', {
  ui: {
    internetFacing: true,
    domainName: 'nomad.example.com',
    hostedZone: zone,
    allowedCidrs: ['203.0.113.0/24'],
  },
});
cluster.addClientPool('general');
