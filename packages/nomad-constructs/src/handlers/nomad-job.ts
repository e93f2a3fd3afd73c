import { EC2Client } from '@aws-sdk/client-ec2';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import {
  type AllocationListStub,
  type AllocationMetric,
  type Deployment,
  deploymentProgress,
  type Evaluation,
  formatDeploymentProgress,
  type JobRequestBody,
  NomadApiError,
  type NomadClient,
} from '@org/jobspec-builder/client';
import { jobPhysicalId, type NomadJobAttributes, NomadJobProperties, parseJobPhysicalId } from '../job/job-contract';
import { CustomResourceError, type CustomResourceEvent, log, parseProperties } from './custom-resource';
import { type ConnectionClients, type ConnectionOptions, isNoAnswer, NomadConnection } from './nomad-connection';
import { type IsCompleteResult, type OnEventResult, providerHandler } from './provider-events';

/** What `onEvent` hands to `isComplete` (the framework passes it back on every call). */
export interface JobDeployState {
  /** `deploy` (Create, Update) or `delete`. */
  readonly Stage: 'deploy' | 'delete';
  /** The evaluation the registration (or deregistration) created; empty when none was. */
  readonly EvaluationId: string;
  /** The job's JobModifyIndex after the registration: deployments of this version or later count. */
  readonly JobModifyIndex: number;
  /** The job version the registration made (or found unchanged). */
  readonly JobVersion: number;
  /** When the resource gives up (epoch milliseconds). */
  readonly Deadline: number;
}

/** The key of the state in the framework's events. */
export const STATE_KEY = 'NomadJob';

/** The AWS clients of the handler (tests pass mocked ones). */
export interface JobHandlerClients extends ConnectionClients {
  readonly s3: S3Client;
}

/** Test hooks. */
export interface JobHandlerOptions extends ConnectionOptions {
  /** The clock. @default Date.now */
  readonly now?: () => number;
  /**
   * How long one `isComplete` call follows the deployment before handing back to the waiter.
   * @default - until 60 s before the function's timeout, at most 3 minutes
   */
  readonly waitBudgetMs?: number;
}

/** How long a Delete waits for Nomad to stop the job before it reports success anyway. */
const DELETE_WAIT_MS = 10 * 60 * 1000;
/** The default `isComplete` budget: the function runs 5 minutes at most. */
const DEFAULT_WAIT_BUDGET_MS = 3 * 60 * 1000;

type Properties = NomadJobProperties;

/**
 * The `Custom::NomadJob` handler (see `NomadJob`): `onEvent` plans and registers the job (or
 * deregisters it), `isComplete` follows the evaluation and the deployment until Nomad says it
 * succeeded or failed.
 */
export function jobHandler(clients: JobHandlerClients, options: JobHandlerOptions = {}) {
  const now = options.now ?? Date.now;
  return providerHandler<JobDeployState>(
    STATE_KEY,
    async (event) => {
      const props = parseProperties(NomadJobProperties, event);
      if (event.RequestType === 'Delete') {
        return startDelete(event, props, clients, options, now);
      }
      return startDeploy(event, props, clients, options, now);
    },
    async (event, state) => {
      const props = parseProperties(NomadJobProperties, event);
      if (state.Stage === 'delete') {
        return deleteComplete(event, props, state, clients, options, now);
      }
      return deployComplete(props, state, clients, options, now);
    },
  );
}

function endpoint(props: Properties) {
  return {
    tagKey: props.ServerTagKey,
    tagValue: props.ServerTagValue,
    port: props.HttpPort,
    nomadRegion: props.NomadRegion,
    caSecretArn: props.CaCertificateSecretArn,
    tokenSecretArn: props.TokenSecretArn,
  };
}

async function connect(
  props: Properties,
  clients: JobHandlerClients,
  options: JobHandlerOptions,
): Promise<NomadConnection> {
  const connection = await NomadConnection.open(endpoint(props), clients, options);
  if (connection === undefined) {
    throw new CustomResourceError(
      `no server of the cluster (tag ${props.ServerTagKey}=${props.ServerTagValue}) is running: the job cannot be registered`,
    );
  }
  return connection;
}

// ---------------------------------------------------------------------------------------------
// Create and Update
// ---------------------------------------------------------------------------------------------

async function startDeploy(
  event: CustomResourceEvent,
  props: Properties,
  clients: JobHandlerClients,
  options: JobHandlerOptions,
  now: () => number,
): Promise<OnEventResult<JobDeployState>> {
  const physicalId = jobPhysicalId(props.Namespace, props.JobId);
  const body = await jobBody(props, clients.s3);
  const connection = await connect(props, clients, options);
  try {
    // A new resource (Create, or an Update that changes the job ID or namespace) does not take over
    // a job someone else runs; an Update (also CloudFormation's rollback) re-registers its own.
    const fresh = event.RequestType === 'Create' || event.PhysicalResourceId !== physicalId;
    const registration = await register(connection, body, props, fresh);
    log('info', 'registered', {
      job: props.JobId,
      namespace: props.Namespace,
      version: registration.version,
      jobModifyIndex: registration.jobModifyIndex,
      evaluation: registration.evaluationId,
    });
    return {
      PhysicalResourceId: physicalId,
      [STATE_KEY]: {
        Stage: 'deploy',
        EvaluationId: registration.evaluationId,
        JobModifyIndex: registration.jobModifyIndex,
        JobVersion: registration.version,
        Deadline: now() + props.TimeoutSeconds * 1000,
      },
    };
  } finally {
    connection.close();
  }
}

/** The `{"Job": {...}}` body: from the property or S3, with the deploy-time values filled in. */
async function jobBody(props: Properties, s3: S3Client): Promise<JobRequestBody> {
  let text = props.Job;
  if (text === undefined) {
    const location = props.JobLocation as { Bucket: string; Key: string };
    try {
      const object = await s3.send(new GetObjectCommand({ Bucket: location.Bucket, Key: location.Key }));
      text = await object.Body?.transformToString('utf8');
    } catch (error) {
      throw new CustomResourceError(
        `cannot read the job spec s3://${location.Bucket}/${location.Key}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      );
    }
    if (text === undefined) {
      throw new CustomResourceError(`the job spec s3://${location.Bucket}/${location.Key} is empty`);
    }
  }
  const substitutions = props.Substitutions ?? {};
  const fill = (value: unknown): unknown => {
    if (typeof value === 'string') {
      return Object.hasOwn(substitutions, value) ? substitutions[value] : value;
    }
    if (Array.isArray(value)) {
      return value.map(fill);
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, fill(item)]));
    }
    return value;
  };
  return fill(JSON.parse(text)) as JobRequestBody;
}

interface Registration {
  readonly evaluationId: string;
  readonly jobModifyIndex: number;
  readonly version: number;
}

/**
 * Plans, then registers with check-and-set on the plan's JobModifyIndex (`EnforceIndex`): a job
 * that someone else registers between the two is not overwritten. An answer lost on the way is
 * resolved by planning again: no difference left means the registration went through.
 */
async function register(
  connection: NomadConnection,
  body: JobRequestBody,
  props: Properties,
  fresh: boolean,
): Promise<Registration> {
  const scope = { namespace: props.Namespace };
  const plan = await plannedChange(connection, body, props);
  if (fresh && plan.JobModifyIndex > 0) {
    const existing = await connection.call((client) => client.readJob(props.JobId, scope), { failover: true });
    if (existing.Stop !== true && plan.Diff?.Type !== 'None') {
      throw new CustomResourceError(
        `a job "${props.JobId}" already runs in the namespace "${props.Namespace}" (version ${existing.Version}, ${existing.Status}) and differs from this one: NomadJob does not take over a job it did not register. Stop and purge it (nomad job stop -purge -namespace ${props.Namespace} ${props.JobId}), or give this job another ID.`,
      );
    }
  }
  let jobModifyIndex = plan.JobModifyIndex;
  let evaluationId: string | undefined;
  for (let attempt = 1; evaluationId === undefined; attempt++) {
    try {
      const response = await connection.call((client) => client.register(body, { ...scope, jobModifyIndex }), {
        failover: false,
      });
      for (const warning of (response.Warnings ?? '').split('\n').filter(Boolean)) {
        log('warn', 'Nomad warns about the job', { warning });
      }
      evaluationId = response.EvalID;
      jobModifyIndex = response.JobModifyIndex;
    } catch (error) {
      if (error instanceof NomadApiError && error.isEnforceIndexConflict) {
        throw new CustomResourceError(
          `the job "${props.JobId}" changed in Nomad between the plan and the registration (someone else registered it): nothing was registered. Deploy again.`,
        );
      }
      if (!isNoAnswer(error) || attempt >= 2) {
        throw refused(error, props);
      }
      // The answer was lost: plan again to learn whether the registration went through.
      log('warn', 'no answer to the registration: planning again to see whether it went through', {
        error: (error as Error).message,
      });
      const again = await plannedChange(connection, body, props);
      if (again.Diff?.Type === 'None' && again.JobModifyIndex !== jobModifyIndex) {
        jobModifyIndex = again.JobModifyIndex;
        evaluationId = await registrationEvaluation(connection, props, jobModifyIndex);
      } else {
        jobModifyIndex = again.JobModifyIndex;
      }
    }
  }
  const job = await connection.call((client) => client.readJob(props.JobId, scope), { failover: true });
  return { evaluationId, jobModifyIndex, version: job.Version };
}

async function plannedChange(connection: NomadConnection, body: JobRequestBody, props: Properties) {
  let plan: Awaited<ReturnType<NomadClient['plan']>>;
  try {
    plan = await connection.call((client) => client.plan(body, { namespace: props.Namespace }), { failover: true });
  } catch (error) {
    throw refused(error, props);
  }
  const updates = plan.Annotations?.DesiredTGUpdates ?? {};
  log('info', 'planned', {
    job: props.JobId,
    change: plan.Diff?.Type ?? 'unknown',
    jobModifyIndex: plan.JobModifyIndex,
    groups: Object.fromEntries(
      Object.entries(updates).map(([group, desired]) => [
        group,
        Object.fromEntries(Object.entries(desired).filter(([, count]) => typeof count === 'number' && count > 0)),
      ]),
    ),
  });
  const failures = placementFailures(plan.FailedTGAllocs);
  if (failures !== '') {
    log('warn', 'the scheduler cannot place every allocation now (the deployment waits for capacity)', { failures });
  }
  return plan;
}

/** The evaluation of a registration whose answer was lost: the newest one for that JobModifyIndex. */
async function registrationEvaluation(
  connection: NomadConnection,
  props: Properties,
  jobModifyIndex: number,
): Promise<string> {
  const evaluations = await connection.call(
    (client) => client.jobEvaluations(props.JobId, { namespace: props.Namespace }),
    { failover: true },
  );
  const [newest] = evaluations
    .filter((evaluation) => evaluation.JobModifyIndex === jobModifyIndex)
    .sort((a, b) => (b.CreateIndex ?? 0) - (a.CreateIndex ?? 0));
  return newest?.ID ?? '';
}

/** Nomad's refusal (a 400 with its reason, a 403 for a token without the rights), as the resource's reason. */
function refused(error: unknown, props: Properties): Error {
  if (error instanceof NomadApiError && error.code === 'http-status') {
    const permission =
      error.status === 403
        ? ` The deployer token of the namespace "${props.Namespace}" lacks a right this job needs.`
        : '';
    return new CustomResourceError(
      `Nomad refused the job "${props.JobId}" (HTTP ${error.status} on ${error.method} ${error.path}): ${error.body || error.message}.${permission}`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

// ---------------------------------------------------------------------------------------------
// Following the deployment
// ---------------------------------------------------------------------------------------------

/** Jobs that are only registered: Nomad launches the children of periodic and parameterized jobs later. */
function registerOnly(props: Properties): boolean {
  return props.Periodic || props.Parameterized || props.JobType === 'batch' || props.JobType === 'sysbatch';
}

async function deployComplete(
  props: Properties,
  state: JobDeployState,
  clients: JobHandlerClients,
  options: JobHandlerOptions,
  now: () => number,
): Promise<IsCompleteResult> {
  const attributes = (deploymentId: string, version: number): NomadJobAttributes => ({
    JobVersion: String(version),
    DeploymentId: deploymentId,
    EvaluationId: state.EvaluationId,
  });
  if (registerOnly(props)) {
    log('info', 'registered only', { job: props.JobId, type: props.JobType });
    return { IsComplete: true, Data: { ...attributes('', state.JobVersion) } };
  }
  const connection = await connect(props, clients, options);
  try {
    const follower = new DeploymentFollower(connection, props, state, now, options);
    const outcome = await follower.follow();
    if (outcome === undefined) {
      return { IsComplete: false };
    }
    return { IsComplete: true, Data: { ...attributes(outcome.deploymentId, outcome.version) } };
  } finally {
    connection.close();
  }
}

/** Follows one registration until it succeeds, fails or the budget of this call runs out. */
class DeploymentFollower {
  private readonly scope: { namespace: string };
  private readonly budgetEnd: number;
  private placement = '';

  public constructor(
    private readonly connection: NomadConnection,
    private readonly props: Properties,
    private readonly state: JobDeployState,
    private readonly now: () => number,
    options: JobHandlerOptions,
  ) {
    this.scope = { namespace: props.Namespace };
    // Waits are measured in real time; the deadline by the (injectable) clock.
    this.budgetEnd =
      Date.now() + Math.max(0, Math.min(state.Deadline - now(), options.waitBudgetMs ?? DEFAULT_WAIT_BUDGET_MS));
  }

  /** The deployment and version that succeeded, or undefined when this call's budget ran out first. */
  public async follow(): Promise<{ deploymentId: string; version: number } | undefined> {
    if (this.now() >= this.state.Deadline) {
      throw await this.timedOut();
    }
    if (this.state.EvaluationId !== '' && !(await this.evaluationDone(this.state.EvaluationId))) {
      return this.outOfTime();
    }
    const deployment = await this.deployment();
    if (deployment === undefined) {
      // No deployment for this registration: a job without an update block, a system job, or an
      // unchanged spec. Done when every allocation that should run is of this version and healthy.
      return (await this.allocationsReady()) ? { deploymentId: '', version: this.state.JobVersion } : this.outOfTime();
    }
    const final = await this.finalDeployment(deployment);
    if (final === undefined) {
      return this.outOfTime();
    }
    if (final.Status === 'successful') {
      log('info', 'the deployment succeeded', {
        job: this.props.JobId,
        deployment: final.ID,
        version: final.JobVersion,
      });
      return { deploymentId: final.ID, version: final.JobVersion };
    }
    return this.failed(final);
  }

  /** Keeps waiting in the next call unless the deadline has passed. */
  private async outOfTime(): Promise<undefined> {
    if (this.now() >= this.state.Deadline) {
      throw await this.timedOut();
    }
    return undefined;
  }

  private remainingMs(): number {
    return this.budgetEnd - Date.now();
  }

  /** Whether the scheduler has processed the registration's evaluation (blocking queries while it is pending). */
  private async evaluationDone(evaluationId: string): Promise<boolean> {
    let index = 0;
    for (;;) {
      const { data: evaluation, index: next } = await this.connection.call(
        (client) =>
          client.query<Evaluation>(`/v1/evaluation/${encodeURIComponent(evaluationId)}`, {
            ...this.scope,
            index,
            waitMs: Math.max(1, Math.min(this.remainingMs(), 30_000)),
          }),
        { failover: true },
      );
      this.placement = placementFailures(evaluation.FailedTGAllocs);
      if (evaluation.Status === 'failed') {
        throw new CustomResourceError(
          `Nomad's evaluation ${evaluation.ID} of the job "${this.props.JobId}" failed: ${evaluation.StatusDescription || 'no description'}`,
        );
      }
      // `canceled`: a newer evaluation of the job superseded it; the deployment tells the rest.
      if (evaluation.Status === 'complete' || evaluation.Status === 'canceled') {
        if (this.placement !== '') {
          log('warn', 'allocations could not be placed yet (waiting for capacity)', { failures: this.placement });
        }
        return true;
      }
      if (this.remainingMs() <= 0) {
        log('info', 'the evaluation is still pending', { evaluation: evaluation.ID, status: evaluation.Status });
        return false;
      }
      index = next ?? index;
    }
  }

  /** The deployment of this registration (of its JobModifyIndex or later), if Nomad made one. */
  private async deployment(): Promise<Deployment | undefined> {
    const latest = await this.connection.call((client) => client.latestDeployment(this.props.JobId, this.scope), {
      failover: true,
    });
    return latest !== undefined && latest.JobModifyIndex >= this.state.JobModifyIndex ? latest : undefined;
  }

  /** Waits (blocking queries) for the deployment to end; undefined when the budget runs out first. */
  private async finalDeployment(deployment: Deployment): Promise<Deployment | undefined> {
    if (isTerminal(deployment)) {
      return deployment;
    }
    if (this.remainingMs() <= 0) {
      return undefined;
    }
    try {
      return await this.connection.call(
        (client) =>
          client.waitForDeployment(deployment.ID, {
            ...this.scope,
            timeoutMs: Math.max(1, this.remainingMs()),
            onProgress: (progress) =>
              log('info', 'deployment progress', {
                deployment: deployment.ID,
                progress: formatDeploymentProgress(progress),
              }),
          }),
        { failover: true },
      );
    } catch (error) {
      if (error instanceof NomadApiError && error.code === 'timeout') {
        const last = error.deployment as Deployment | undefined;
        if (last?.StatusDescription?.includes('requires manual promotion')) {
          throw new CustomResourceError(
            `the deployment ${last.ID} of the job "${this.props.JobId}" waits for a manual promotion (${last.StatusDescription}): set auto_promote = true in the job's update block`,
          );
        }
        return undefined;
      }
      throw error;
    }
  }

  /**
   * A failed (or cancelled) deployment fails the resource with Nomad's description. With
   * `auto_revert`, Nomad registers the last stable version again: the failure is reported once that
   * revert is registered, so CloudFormation's rollback finds the cluster already on it.
   */
  private async failed(deployment: Deployment): Promise<undefined> {
    const reverting = /rolling back to job version (\d+)/i.exec(deployment.StatusDescription ?? '');
    let revert = '';
    if (reverting !== null) {
      const job = await this.connection.call((client) => client.readJob(this.props.JobId, this.scope), {
        failover: true,
      });
      if (job.Version <= deployment.JobVersion && this.now() < this.state.Deadline) {
        log('info', 'the deployment failed: waiting for Nomad to revert the job', {
          deployment: deployment.ID,
          revertTo: Number(reverting[1]),
        });
        return undefined;
      }
      revert = ` Nomad reverted the job to version ${reverting[1]} (now registered as version ${job.Version}).`;
    }
    const allocations = await this.failedAllocations(deployment.JobVersion);
    throw new CustomResourceError(
      `the deployment ${deployment.ID} of the job "${this.props.JobId}" (version ${deployment.JobVersion}) ${deployment.Status}: ${deployment.StatusDescription}.${revert}${allocations}`,
    );
  }

  /** What the failed allocations of a version say (their last task event), for the reason. */
  private async failedAllocations(version: number): Promise<string> {
    const allocations = await this.connection.call((client) => client.jobAllocations(this.props.JobId, this.scope), {
      failover: true,
    });
    const failed = allocations
      .filter((allocation) => allocation.JobVersion === version && allocation.ClientStatus === 'failed')
      .slice(0, 3);
    const details = failed.map((allocation) => `${allocation.Name}: ${lastTaskEvent(allocation)}`);
    return details.length === 0 ? '' : ` Failed allocations: ${details.join('; ')}`;
  }

  /**
   * Without a deployment: ready when every allocation that should run belongs to this version, runs,
   * and is not reported unhealthy (system jobs: one per eligible node, placed by the scheduler).
   */
  private async allocationsReady(): Promise<boolean> {
    const allocations = await this.connection.call((client) => client.jobAllocations(this.props.JobId, this.scope), {
      failover: true,
    });
    const wanted = allocations.filter((allocation) => allocation.DesiredStatus === 'run');
    const ours = wanted.filter((allocation) => allocation.JobVersion === this.state.JobVersion);
    const failed = ours.filter(
      (allocation) => allocation.ClientStatus === 'failed' || allocation.ClientStatus === 'lost',
    );
    if (failed.length > 0) {
      throw new CustomResourceError(
        `allocations of the job "${this.props.JobId}" (version ${this.state.JobVersion}) failed: ${failed
          .slice(0, 3)
          .map((allocation) => `${allocation.Name} on node ${allocation.NodeID ?? '?'}: ${lastTaskEvent(allocation)}`)
          .join('; ')}`,
      );
    }
    const ready =
      ours.length > 0 &&
      ours.length === wanted.length &&
      ours.every(
        (allocation) => allocation.ClientStatus === 'running' && allocation.DeploymentStatus?.Healthy !== false,
      );
    log('info', 'allocations', {
      job: this.props.JobId,
      version: this.state.JobVersion,
      running: ours.filter((allocation) => allocation.ClientStatus === 'running').length,
      ofThisVersion: ours.length,
      wanted: wanted.length,
      ready,
    });
    return ready;
  }

  /** The timeout failure, with what Nomad says now. */
  private async timedOut(): Promise<CustomResourceError> {
    const minutes = Math.round(this.props.TimeoutSeconds / 60);
    let state = '';
    try {
      if (this.placement === '' && this.state.EvaluationId !== '') {
        const evaluation = await this.connection.call(
          (client) => client.readEvaluation(this.state.EvaluationId, this.scope),
          { failover: true },
        );
        this.placement = placementFailures(evaluation.FailedTGAllocs);
      }
      const deployment = await this.deployment();
      state =
        deployment !== undefined
          ? ` The deployment ${deployment.ID} is still ${deployment.Status} (${deployment.StatusDescription}): ${formatDeploymentProgress(deploymentProgress(deployment)).replace(/\n/g, '; ')}.`
          : ' No deployment started.';
    } catch (error) {
      state = ` (Nomad's state could not be read: ${(error as Error).message})`;
    }
    const placement = this.placement === '' ? '' : ` Allocations could not be placed: ${this.placement}.`;
    return new CustomResourceError(
      `the job "${this.props.JobId}" did not finish deploying within ${minutes} minute${minutes === 1 ? '' : 's'} (the NomadJob timeout).${state}${placement} CloudFormation rolls back; raise the timeout prop if the deployment needs longer.`,
    );
  }
}

function isTerminal(deployment: Deployment): boolean {
  return ['successful', 'failed', 'cancelled'].includes(deployment.Status);
}

/** The scheduler's reasons for allocations it could not place, by group, in one line. */
function placementFailures(failed: Readonly<Record<string, AllocationMetric>> | null | undefined): string {
  return Object.entries(failed ?? {})
    .map(([group, metric]) => {
      const reasons = [
        ...Object.entries(metric.ConstraintFiltered ?? {}).map(
          ([constraint, count]) => `${count} filtered by ${constraint}`,
        ),
        ...Object.entries(metric.ClassFiltered ?? {}).map(
          ([nodeClass, count]) => `${count} filtered by class ${nodeClass}`,
        ),
        ...Object.entries(metric.DimensionExhausted ?? {}).map(
          ([dimension, count]) => `${count} exhausted ${dimension}`,
        ),
        ...(metric.NodesEvaluated === 0 ? ['no node in the node pool and datacenters was eligible'] : []),
      ];
      return `${group}: ${(metric.CoalescedFailures ?? 0) + 1} unplaced (${reasons.join(', ') || `${metric.NodesEvaluated ?? 0} nodes evaluated`})`;
    })
    .join('; ');
}

/** The last event of an allocation's tasks, as `nomad alloc status` shows it. */
function lastTaskEvent(allocation: AllocationListStub): string {
  const states = (allocation.TaskStates ?? {}) as Record<
    string,
    { Events?: { Type?: string; DisplayMessage?: string; Time?: number }[] }
  >;
  const events = Object.entries(states).flatMap(([task, state]) =>
    (state.Events ?? []).map((event) => ({ task, ...event })),
  );
  const last = events.sort((a, b) => (b.Time ?? 0) - (a.Time ?? 0))[0];
  return last === undefined
    ? allocation.ClientStatus
    : `${last.task}: ${last.Type ?? 'event'}${last.DisplayMessage ? `: ${last.DisplayMessage}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------

async function startDelete(
  event: CustomResourceEvent,
  props: Properties,
  clients: JobHandlerClients,
  options: JobHandlerOptions,
  now: () => number,
): Promise<OnEventResult<JobDeployState>> {
  const physicalId = event.PhysicalResourceId ?? '';
  const target = parseJobPhysicalId(physicalId);
  const nothing = (why: string): OnEventResult<JobDeployState> => {
    log('info', why, { physicalId });
    return {
      PhysicalResourceId: physicalId,
      [STATE_KEY]: { Stage: 'delete', EvaluationId: '', JobModifyIndex: 0, JobVersion: 0, Deadline: now() },
    };
  };
  if (target === undefined) {
    return nothing('nothing to delete: the resource never registered a job');
  }
  const connection = await NomadConnection.open(endpoint(props), clients, options);
  if (connection === undefined) {
    return nothing('nothing to delete: no server of the cluster runs');
  }
  try {
    const result = await connection.call(
      (client) => client.deregister(target.jobId, { namespace: target.namespace, purge: props.Purge }),
      { failover: true },
    );
    log('info', props.Purge ? 'stopped and purged the job' : 'stopped the job', {
      job: target.jobId,
      namespace: target.namespace,
      evaluation: result.EvalID,
    });
    return {
      PhysicalResourceId: physicalId,
      [STATE_KEY]: {
        Stage: 'delete',
        EvaluationId: result.EvalID ?? '',
        JobModifyIndex: result.JobModifyIndex ?? 0,
        JobVersion: 0,
        Deadline: now() + Math.min(DELETE_WAIT_MS, props.TimeoutSeconds * 1000),
      },
    };
  } catch (error) {
    if (error instanceof NomadApiError && error.isNotFound) {
      return nothing('nothing to delete: the job is gone');
    }
    throw refused(error, props);
  } finally {
    connection.close();
  }
}

/** Waits for the deregistration's evaluation; a Delete never fails for waiting (it would block the stack). */
async function deleteComplete(
  event: CustomResourceEvent & { PhysicalResourceId: string },
  props: Properties,
  state: JobDeployState,
  clients: JobHandlerClients,
  options: JobHandlerOptions,
  now: () => number,
): Promise<IsCompleteResult> {
  if (state.EvaluationId === '') {
    return { IsComplete: true };
  }
  if (now() >= state.Deadline) {
    log('warn', 'the job is still stopping: not waiting any longer', { physicalId: event.PhysicalResourceId });
    return { IsComplete: true };
  }
  const connection = await NomadConnection.open(endpoint(props), clients, options);
  if (connection === undefined) {
    return { IsComplete: true };
  }
  try {
    const evaluation = await connection.call(
      (client) =>
        client.readEvaluation(state.EvaluationId, {
          namespace: parseJobPhysicalId(event.PhysicalResourceId)?.namespace,
        }),
      { failover: true },
    );
    if (evaluation.Status === 'pending') {
      return { IsComplete: false };
    }
    log('info', 'the job is stopped', { physicalId: event.PhysicalResourceId, evaluation: evaluation.Status });
    return { IsComplete: true };
  } catch (error) {
    if (error instanceof NomadApiError && error.isNotFound) {
      return { IsComplete: true };
    }
    throw error;
  } finally {
    connection.close();
  }
}

/** The Lambda entry point. */
export const handler = jobHandler({
  secrets: new SecretsManagerClient({}),
  ec2: new EC2Client({}),
  s3: new S3Client({}),
});
