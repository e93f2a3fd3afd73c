import { Check, Duration, Job, Port, Size } from '../../../src';

/** A Consul service mesh pair: an API behind an Envoy sidecar, and a dashboard calling it through an upstream. */
export const countDashboard = new Job({
  id: 'countdash',
  datacenters: ['dc1'],
  groups: [
    {
      name: 'api',
      networks: [{ mode: 'bridge' }],
      services: [{ name: 'count-api', port: '9001', connect: { sidecarService: {} } }],
      tasks: [
        {
          name: 'web',
          driver: 'docker',
          config: { image: 'hashicorpdev/counter-api:v3' },
          resources: { cpu: 100, memory: Size.mebibytes(128) },
        },
      ],
    },
    {
      name: 'dashboard',
      networks: [{ mode: 'bridge', ports: [Port.static('http', 9002, { to: 9002 })] }],
      services: [
        {
          name: 'count-dashboard',
          port: '9002',
          checks: [
            Check.http('/health', { expose: true, interval: Duration.seconds(10), timeout: Duration.seconds(3) }),
          ],
          connect: {
            sidecarService: {
              proxy: { upstreams: [{ destinationName: 'count-api', localBindPort: 8080 }] },
            },
            sidecarTask: { resources: { cpu: 50, memory: Size.mebibytes(64) } },
          },
        },
      ],
      tasks: [
        {
          name: 'dashboard',
          driver: 'docker',
          env: { COUNTING_SERVICE_URL: 'http://${NOMAD_UPSTREAM_ADDR_count_api}' },
          config: { image: 'hashicorpdev/counter-dashboard:v3' },
          resources: { cpu: 100, memory: Size.mebibytes(128) },
        },
      ],
    },
  ],
});
