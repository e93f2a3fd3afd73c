import { Duration, Job, Port, Size } from '../../../src';

/** A system job: one node exporter on every client. */
export const nodeExporter = new Job({
  id: 'node-exporter',
  type: 'system',
  datacenters: ['*'],
  update: { maxParallel: 2, minHealthyTime: Duration.seconds(10), healthyDeadline: Duration.minutes(2) },
  groups: [
    {
      name: 'exporter',
      networks: [{ ports: [Port.static('metrics', 9100)] }],
      services: [{ name: 'node-exporter', port: 'metrics', provider: 'nomad', tags: ['prometheus'] }],
      tasks: [
        {
          name: 'node-exporter',
          driver: 'docker',
          config: {
            image: 'quay.io/prometheus/node-exporter:v1.8.2',
            network_mode: 'host',
            pid_mode: 'host',
            args: ['--path.rootfs=/host'],
            volumes: ['/:/host:ro,rslave'],
          },
          resources: { cpu: 100, memory: Size.mebibytes(64) },
        },
      ],
    },
  ],
});
