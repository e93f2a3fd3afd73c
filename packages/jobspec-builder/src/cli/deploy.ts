import type { NomadRetryEvent } from '../client/config';
import { deploymentProgress, formatDeploymentProgress } from '../client/deployment-progress';
import { NomadApiError } from '../client/errors';
import { NomadClient } from '../client/nomad-client';
import { formatPlanDiff, planChangesAllocations } from '../client/plan-format';
import type { Deployment } from '../client/types';
import type { Job } from '../job';
import { Duration } from '../values/duration';
import type { CliIo } from './cli';
import { UsageError } from './input';

/**
 * The variable `jobspec plan` and `jobspec run` read their timeout from when `--timeout` is not
 * given. The Nomad CLI has no such setting (its `NOMAD_*` variables are about the connection), so
 * the name carries this tool's prefix rather than claiming one in Nomad's namespace.
 */
export const TIMEOUT_ENV = 'JOBSPEC_TIMEOUT';

/** The longest delay a Node.js timer takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** How long `plan` or `run` may take in all, and where that was set (for messages). */
export interface CommandTimeout {
  readonly ms: number;
  /** As given, e.g. `90s`. */
  readonly text: string;
  /** `--timeout` or `JOBSPEC_TIMEOUT`. */
  readonly source: string;
}

/**
 * `--timeout`, else `JOBSPEC_TIMEOUT` (empty counts as unset, as for Nomad's variables), as a Go
 * duration like Nomad's own flags take (`90s`, `5m`, `1h30m`); undefined when neither is set.
 */
export function resolveTimeout(
  flag: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): CommandTimeout | undefined {
  const fromEnv = env[TIMEOUT_ENV];
  if (flag === undefined && (fromEnv === undefined || fromEnv === '')) return undefined;
  const [source, text] = flag !== undefined ? ['--timeout', flag] : [TIMEOUT_ENV, fromEnv ?? ''];
  let ms: number;
  try {
    ms = Duration.parse(text).toNanos() / 1e6;
  } catch {
    throw new UsageError(`${source}: expected a duration such as 90s, 5m or 1h30m, received ${JSON.stringify(text)}`);
  }
  if (!(ms > 0) || ms > MAX_TIMEOUT_MS) {
    throw new UsageError(
      `${source}: expected a duration above 0 and at most 596h31m23s (the longest timer Node.js has), received ${JSON.stringify(text)}`,
    );
  }
  return { ms, text, source };
}

export interface PlanOptions {
  /** Give up after this long: every request, retries and waits included. @default - no limit (each request gives up after 60 s) */
  readonly timeout?: CommandTimeout | undefined;
}

export interface RunOptions extends PlanOptions {
  /** Return once the job is registered instead of following its deployment. */
  readonly detach: boolean;
}

/**
 * `jobspec plan`: the scheduler's dry run with the diff against the running job.
 * Exit codes follow `nomad job plan`: 0 when no allocation would change, 1 when some would.
 */
export async function planCommand(job: Job, options: PlanOptions, io: CliIo): Promise<number> {
  job.assertValid();
  const id = String(job.props.id);
  const deadline = new CommandDeadline(options.timeout);
  const client = connect(options.timeout, io);
  try {
    io.stderr(`Planning job "${id}" with ${client.address}${deadline.describe()}\n`);
    const plan = await deadline.run(client.plan(job, deadline.callOptions()), 'the plan got no answer');
    io.stdout(`${formatPlanDiff(plan)}\n`);
    io.stdout(
      `\nJob Modify Index: ${plan.JobModifyIndex}\nNomad registers this version only if the job is unchanged until then: jobspec run checks the index itself.\n`,
    );
    return planChangesAllocations(plan) ? 1 : 0;
  } finally {
    deadline.dispose();
    client.close();
  }
}

/**
 * `jobspec run`: plans, registers with check-and-set against the planned version
 * (a concurrent change fails instead of being overwritten), then follows the
 * deployment until it succeeds or fails. Exit code 0 on success, 1 otherwise.
 */
export async function runCommand(job: Job, options: RunOptions, io: CliIo): Promise<number> {
  job.assertValid();
  const id = String(job.props.id);
  const deadline = new CommandDeadline(options.timeout);
  const client = connect(options.timeout, io);
  try {
    io.stderr(`Planning job "${id}" with ${client.address}${deadline.describe()}\n`);
    const plan = await deadline.run(
      client.plan(job, deadline.callOptions()),
      'the plan got no answer; nothing was registered',
    );
    io.stderr(`Registering job "${id}" (check-and-set on job modify index ${plan.JobModifyIndex})\n`);
    const registered = await deadline.run(
      client.register(job, { jobModifyIndex: plan.JobModifyIndex, ...deadline.callOptions() }),
      `the registration got no answer: Nomad may or may not have registered the job; check with nomad job status ${id}`,
    );
    if (registered.Warnings) io.stderr(`Job Warnings:\n${registered.Warnings.trim()}\n`);
    io.stdout(
      `Registered job "${id}" (job modify index ${registered.JobModifyIndex}${registered.EvalID ? `, evaluation ${registered.EvalID}` : ''})\n`,
    );
    // Only service jobs get deployments; a plan that changes no allocation starts none either.
    const type = job.props.type ?? 'service';
    if (options.detach) return 0;
    if (type !== 'service') {
      io.stdout(`A ${type} job has no deployment to follow.\n`);
      return 0;
    }
    if (!planChangesAllocations(plan)) {
      io.stdout('No allocation changes: no deployment to follow.\n');
      return 0;
    }
    io.stderr(`Waiting for the deployment of job "${id}"${deadline.describeRemaining()}\n`);
    let last = '';
    // The wait gets the time left as its own timeout, so that running out reports the last state seen.
    const deployment = await deadline.runWait(
      client.waitForJobDeployment(id, {
        jobModifyIndex: registered.JobModifyIndex,
        ...deadline.waitOptions(),
        onProgress: (progress) => {
          const text = formatDeploymentProgress(progress);
          if (text !== last) io.stdout(`${text}\n`);
          last = text;
        },
      }),
      id,
    );
    const final = formatDeploymentProgress(deploymentProgress(deployment));
    if (final !== last) io.stdout(`${final}\n`);
    if (deployment.Status === 'successful') return 0;
    io.stderr(`Deployment ${deployment.ID} ${deployment.Status}: ${deployment.StatusDescription ?? ''}\n`);
    return 1;
  } finally {
    deadline.dispose();
    client.close();
  }
}

/** A client configured like the Nomad CLI, whose requests never outlast the timeout, telling stderr about each retry. */
function connect(timeout: CommandTimeout | undefined, io: CliIo): NomadClient {
  return NomadClient.fromEnv(
    {
      ...(timeout ? { requestTimeoutMs: timeout.ms } : {}),
      onRetry: (event) => io.stderr(`${describeRetry(event)}\n`),
    },
    io.env,
  );
}

/** `GET /v1/job/web: HTTP 503; trying again in 0.4 s (attempt 2)` */
export function describeRetry(event: NomadRetryEvent): string {
  return `${event.method} ${event.path}: ${event.reason}; trying again in ${seconds(event.delayMs)} (attempt ${event.attempt + 1})`;
}

function seconds(ms: number): string {
  return `${Number((ms / 1000).toFixed(1))} s`;
}

/** The whole command's time limit: one timer, one signal for every call made under it. */
class CommandDeadline {
  private readonly controller = new AbortController();
  private readonly timer: ReturnType<typeof setTimeout> | undefined;
  private readonly endsAt: number;

  constructor(private readonly timeout: CommandTimeout | undefined) {
    this.endsAt = timeout ? performance.now() + timeout.ms : Number.POSITIVE_INFINITY;
    this.timer = timeout ? setTimeout(() => this.controller.abort(), timeout.ms) : undefined;
  }

  /** ` (gives up after 90s: --timeout)`, or nothing without a timeout. */
  describe(): string {
    return this.timeout ? ` (gives up after ${this.timeout.text}: ${this.timeout.source})` : '';
  }

  describeRemaining(): string {
    return this.timeout ? ` (for up to ${seconds(this.remainingMs())})` : '';
  }

  callOptions(): { signal?: AbortSignal } {
    return this.timeout ? { signal: this.controller.signal } : {};
  }

  waitOptions(): { timeoutMs?: number } {
    return this.timeout ? { timeoutMs: Math.max(1, this.remainingMs()) } : {};
  }

  /** `call`, with the deadline's abort turned into a message saying what was cut short. */
  async run<T>(call: Promise<T>, cutShort: string): Promise<T> {
    try {
      return await call;
    } catch (error) {
      if (this.controller.signal.aborted) throw new Error(`${this.gaveUp()}: ${cutShort}`);
      throw error;
    }
  }

  /** A deployment wait, with its timeout told as the command's. */
  async runWait(wait: Promise<Deployment>, jobId: string): Promise<Deployment> {
    try {
      return await wait;
    } catch (error) {
      if (!(this.timeout && error instanceof NomadApiError && error.code === 'timeout')) throw error;
      const deployment = error.deployment as Deployment | undefined;
      const state = deployment
        ? `deployment "${deployment.ID}" of job "${jobId}" is still ${deployment.Status}:\n${formatDeploymentProgress(
            deploymentProgress(deployment),
          )}\nThe job is registered and the deployment goes on in Nomad: nomad deployment status ${deployment.ID}`
        : `no deployment of job "${jobId}" appeared; the job is registered: nomad job status ${jobId}`;
      throw new Error(`${this.gaveUp()}: ${state}`);
    }
  }

  dispose(): void {
    clearTimeout(this.timer);
  }

  private remainingMs(): number {
    return Math.max(0, this.endsAt - performance.now());
  }

  private gaveUp(): string {
    return `gave up after ${this.timeout?.text} (${this.timeout?.source})`;
  }
}
