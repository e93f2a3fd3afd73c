import { JobspecError } from '../errors';
import type { Job } from '../job';
import type { JobRequestBody } from './nomad-client';

export interface JobRequest {
  readonly body: JobRequestBody;
  readonly id: string;
  readonly namespace: string | undefined;
  readonly region: string | undefined;
}

/**
 * The request body of a `Job` (validated and rendered) or of a raw `{"Job": {...}}`. A `Job` is
 * recognised by its `toApiJson()`, so that the client does not load the job model: programs that
 * only talk to Nomad (the Lambda handlers of nomad-constructs) stay small.
 */
export function jobRequest(input: Job | JobRequestBody): JobRequest {
  const body: JobRequestBody = isJob(input) ? input.toApiJson() : input;
  // Raw bodies come from JSON files and untyped callers: check the shape before sending it.
  const job: unknown = (body as { Job?: unknown } | null | undefined)?.Job;
  if (job === null || typeof job !== 'object' || Array.isArray(job)) {
    throw new JobspecError([
      {
        code: 'invalid-type',
        path: '',
        message: `expected a Job or a {"Job": {...}} request body, received ${describe(input)}; wrap a bare API job as {Job: job}`,
      },
    ]);
  }
  const record = job as Record<string, unknown>;
  if (typeof record.ID !== 'string' || record.ID === '') {
    throw new JobspecError([
      {
        code: 'required',
        path: 'Job.ID',
        message: `expected the job ID as a non-empty string, received ${describe(record.ID)}; set Job.ID`,
      },
    ]);
  }
  return {
    body,
    id: record.ID,
    namespace: typeof record.Namespace === 'string' && record.Namespace !== '' ? record.Namespace : undefined,
    region: typeof record.Region === 'string' && record.Region !== '' ? record.Region : undefined,
  };
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (value !== null && typeof value === 'object') return `an object with keys ${JSON.stringify(Object.keys(value))}`;
  return JSON.stringify(value);
}

function isJob(input: Job | JobRequestBody): input is Job {
  return typeof (input as Partial<Job> | null | undefined)?.toApiJson === 'function';
}
