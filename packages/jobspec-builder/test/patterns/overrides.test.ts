import { describe, expect, it } from 'vitest';
import { Duration, dockerService, parameterizedBatchJob } from '../../src';

describe('dockerService overrides', () => {
  it('merges a task config override into the generated config, keeping the image and ports', () => {
    const job = dockerService({
      id: 'web',
      image: 'nginx:1.27',
      containerPort: 80,
      task: { config: { labels: [{ team: 'web' }] } },
    });
    expect(job.props.groups?.[0]?.tasks?.[0]?.config).toEqual({
      image: 'nginx:1.27',
      ports: ['http'],
      labels: [{ team: 'web' }],
    });
  });

  it('merges a job update override, keeping autoRevert and the deadlines', () => {
    const job = dockerService({ id: 'web', image: 'nginx:1.27', containerPort: 80, job: { update: { canary: 1 } } });
    expect(job.props.update).toEqual({
      maxParallel: 1,
      minHealthyTime: Duration.seconds(10),
      healthyDeadline: Duration.minutes(5),
      progressDeadline: Duration.minutes(10),
      autoRevert: true,
      canary: 1,
    });
  });

  it('replaces lists and values as a whole, and keeps what an undefined override leaves', () => {
    const job = dockerService({
      id: 'web',
      image: 'nginx:1.27',
      containerPort: 80,
      task: { config: { ports: ['admin'] }, resources: { cpu: 500 }, killTimeout: undefined },
    });
    const task = job.props.groups?.[0]?.tasks?.[0];
    expect(task?.config?.ports).toEqual(['admin']);
    expect(task?.resources?.cpu).toBe(500);
    expect(task?.resources?.memory?.toMebibytes()).toBe(256);
    expect(task?.killTimeout).toEqual(Duration.seconds(30));
  });
});

describe('parameterizedBatchJob overrides', () => {
  it('merges task config and job parameterized overrides', () => {
    const job = parameterizedBatchJob({
      id: 'train',
      image: 'trainer:1',
      metaRequired: ['dataset'],
      task: { config: { args: ['--fast'] } },
      job: { parameterized: { metaOptional: ['epochs'] } },
    });
    expect(job.props.groups?.[0]?.tasks?.[0]?.config).toEqual({ image: 'trainer:1', args: ['--fast'] });
    expect(job.props.parameterized).toEqual({
      payload: 'optional',
      metaRequired: ['dataset'],
      metaOptional: ['epochs'],
    });
  });
});
