import { JobspecError, type JobspecIssue } from './errors';
import type { Job } from './job';

/**
 * Helpers for users' own tests of the jobs they define.
 *
 * @example
 * expect(Testing.issues(job)).toEqual([]);
 * expect(Testing.synth(job).api.Job.TaskGroups).toHaveLength(1);
 */
export class Testing {
  /** Both renderings of a valid job; throws the JobspecError of an invalid one. */
  static synth(job: Job): { readonly hcl: string; readonly api: { readonly Job: Record<string, unknown> } } {
    return { hcl: job.toHcl(), api: job.toApiJson() };
  }

  /** The validation issues of a job, as `code path: message` lines, stable for snapshots. */
  static issues(job: Job): string[] {
    return job.validate().map((issue) => `${issue.code} ${issue.path}: ${issue.message}`);
  }

  /** The issues of the JobspecError `render` throws, or fails if it does not throw one. */
  static issuesOf(render: () => unknown): readonly JobspecIssue[] {
    try {
      render();
    } catch (error) {
      if (error instanceof JobspecError) return error.issues;
      throw error;
    }
    throw new Error('expected a JobspecError, but rendering succeeded');
  }

  private constructor() {}
}
