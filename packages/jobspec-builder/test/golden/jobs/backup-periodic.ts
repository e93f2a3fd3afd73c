import { Duration, Job, Size } from '../../../src';

/** A periodic sysbatch job: a nightly backup on every node, never overlapping. */
export const nightlyBackup = new Job({
  id: 'nightly-backup',
  type: 'sysbatch',
  datacenters: ['*'],
  periodic: { crons: ['0 3 * * *'], timeZone: 'Europe/Berlin', prohibitOverlap: true },
  groups: [
    {
      name: 'backup',
      tasks: [
        {
          name: 'snapshot',
          driver: 'exec',
          config: { command: '/usr/local/bin/backup.sh', args: ['--target', 's3://backups/${node.unique.name}'] },
          resources: { cpu: 200, memory: Size.mebibytes(128) },
          killTimeout: Duration.minutes(1),
          artifacts: [{ source: 'https://example.com/backup.sh', destination: 'local/', mode: 'file' }],
        },
      ],
    },
  ],
});
