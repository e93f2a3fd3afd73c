import * as cdk from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { Duration, dockerService, Job, Size } from '../../src';
import { typeCheck } from '../support/typecheck';

// In a CDK app `Duration` and `Size` usually come from aws-cdk-lib: where this library takes its own, it takes
// aws-cdk-lib's too, and converts them when the job is built.
describe("aws-cdk-lib's Duration and Size", () => {
  it('are accepted where ours are, and held as ours', () => {
    const job = new Job({
      id: 'web',
      groups: [
        {
          name: 'web',
          shutdownDelay: cdk.Duration.seconds(5),
          tasks: [
            {
              name: 'app',
              driver: 'docker',
              killTimeout: cdk.Duration.minutes(1),
              resources: { memory: cdk.Size.mebibytes(512) },
            },
          ],
        },
      ],
    });
    const task = job.props.groups?.[0]?.tasks?.[0];
    expect(task?.killTimeout).toEqual(Duration.minutes(1));
    expect(task?.resources?.memory).toEqual(Size.mebibytes(512));
    const api = job.toApiJson().Job as { TaskGroups: { ShutdownDelay: number; Tasks: { KillTimeout: number }[] }[] };
    expect(api.TaskGroups[0]?.ShutdownDelay).toBe(5_000_000_000);
    expect(api.TaskGroups[0]?.Tasks[0]?.KillTimeout).toBe(60_000_000_000);
    expect(job.toHcl()).toContain('kill_timeout = "1m"');
  });

  it('work in the patterns', () => {
    const job = dockerService({
      id: 'web',
      image: 'nginx:1.27',
      containerPort: 80,
      memory: cdk.Size.gibibytes(1),
      killTimeout: cdk.Duration.seconds(45),
    });
    expect(job.props.groups?.[0]?.tasks?.[0]?.resources?.memory).toEqual(Size.mebibytes(1024));
    expect(job.validate()).toEqual([]);
  });

  it('are reported, not thrown, when they are not whole: a fraction of a MiB', () => {
    const job = new Job({
      id: 'web',
      groups: [
        { name: 'web', tasks: [{ name: 'app', driver: 'docker', resources: { memory: cdk.Size.kibibytes(1536) } }] },
      ],
    });
    expect(job.validate()).toMatchObject([
      {
        code: 'invalid-type',
        path: 'groups[web].tasks[app].resources.memory',
        message: expect.stringContaining('an aws-cdk-lib Size of whole MiB'),
      },
    ]);
  });

  it('type-check in a CDK app that imports both libraries', () => {
    const source = `
import { Duration, Size } from 'aws-cdk-lib';
import { dockerService, Job } from '@org/jobspec-builder';
export const job = new Job({
  id: 'web',
  groups: [{ name: 'web', tasks: [{ name: 'app', driver: 'docker', killTimeout: Duration.seconds(30), resources: { memory: Size.mebibytes(256) } }] }],
});
export const web = dockerService({ id: 'web', image: 'nginx', containerPort: 80, memory: Size.mebibytes(256), shutdownDelay: Duration.seconds(5) });
`;
    const diagnostics = typeCheck(new Map([['cdk-app.ts', source]]));
    expect(diagnostics).toEqual([]);
  });
});
