import { randomBytes } from 'node:crypto';
import { TrainerError } from '../errors';
import { RUN_ID_PATTERN } from '../storage/run-store';

/**
 * The id of a new run. A dispatched Nomad job (`trainer/dispatch-1712345678-3a4b5c6d`)
 * names its run after itself, so a restarted or rescheduled allocation of the same
 * dispatch finds its own checkpoint; otherwise the time and a random suffix.
 */
export function defaultRunId(env: Readonly<Record<string, string | undefined>>, now = new Date()): string {
  const jobId = env.NOMAD_JOB_ID;
  if (jobId?.includes('/')) {
    return jobId.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 128);
  }
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export function checkRunId(runId: string, source: string): string {
  if (!RUN_ID_PATTERN.test(runId)) {
    throw new TrainerError(
      'invalid-option',
      `invalid ${source}: expected letters, digits, ".", "_" or "-" (at most 128, starting with a letter or digit), received "${runId}"`,
    );
  }
  return runId;
}
