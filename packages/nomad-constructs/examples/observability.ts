import { App, Duration, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { NomadCluster, NomadObservability } from '../src';

const app = new App();
const stack = new Stack(app, 'Nomad', { env: { region: 'eu-west-1' } });
const zone = route53.HostedZone.fromHostedZoneAttributes(stack, 'Zone', {
  hostedZoneId: 'Z0123456789ABCDEFGHIJ',
  zoneName: 'example.com',
});

// The CloudWatch dashboard and alarms are on by default: here they also e-mail the on-call address.
const cluster = new NomadCluster(stack, 'Cluster', {
  ui: { internetFacing: true, domainName: 'nomad.example.com', hostedZone: zone, allowedCidrs: ['203.0.113.0/24'] },
  monitoring: { alarmEmail: 'oncall@example.com' },
});
cluster.addClientPool('general');

// Prometheus, a Pushgateway and Grafana on a pool of their own, with their data on host volumes.
// Grafana is at https://nomad.example.com/grafana/ (user admin, password in Secrets Manager).
// (maxCapacity 2: an update launches the replacement before it stops the running instance.)
const pool = cluster.addClientPool('observability', {
  minCapacity: 1,
  maxCapacity: 2,
  hostVolumes: NomadObservability.hostVolumes(),
});
new NomadObservability(stack, 'Observability', {
  cluster,
  pool,
  scrapeServices: ['hello-world'],
  retention: Duration.days(30),
});
