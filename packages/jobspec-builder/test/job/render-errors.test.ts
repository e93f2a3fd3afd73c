import { describe, expect, it } from 'vitest';
import { HclExpression, Job, JobspecError } from '../../src';

function jobWith(raw: Record<string, unknown>): Job {
  return new Job({
    id: 'web',
    groups: [{ name: 'web', tasks: [{ name: 'app', driver: 'docker', config: { image: 'nginx:1.27' }, raw }] }],
  });
}

describe('Job rendering errors', () => {
  it('reports what HCL cannot hold as a JobspecError with the path, like every other problem', () => {
    const job = jobWith({ hcl: { 'not.an.identifier': 'x' } });
    expect(job.validate()).toEqual([]);
    let error: unknown;
    try {
      job.toHcl();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobspecError);
    const [issue] = (error as JobspecError).issues;
    expect(issue?.code).toBe('not-renderable');
    expect(issue?.path).toBe('job["web"].group["web"].task["app"]');
    expect(issue?.message).toContain('received "not.an.identifier"');
  });

  it('refuses an HCL expression in API JSON, naming the field', () => {
    const job = new Job({
      id: 'web',
      groups: [{ name: 'web', count: HclExpression.of('var.count'), tasks: [{ name: 'app', driver: 'exec' }] }],
    });
    expect(job.toHcl()).toContain('count = var.count');
    expect(() => job.toApiJson()).toThrow(JobspecError);
    expect(() => job.toApiJson()).toThrow(
      /groups\[web\]\.count: the HCL expression `var.count` has no value in API JSON: render HCL, or give a value here \[not-renderable\]/,
    );
  });
});
