import type { Job } from '../job';
import { watch } from './blocking-query';
import {
  type NomadClientProps,
  type NomadRetryEvent,
  propsFromEnv,
  type ResolvedConfig,
  resolveConfig,
} from './config';
import { type DeploymentProgress, deploymentProgress, formatDeploymentProgress } from './deployment-progress';
import { NomadApiError } from './errors';
import { type HttpMethod, type HttpResponse, Transport } from './http';
import { jobRequest } from './job-request';
import { resolveRetryOptions } from './retry';
import type {
  AclPolicy,
  AclPolicyRequest,
  AclToken,
  AclTokenListStub,
  AclTokenRequest,
  AllocationListStub,
  Deployment,
  Evaluation,
  JobDeregisterResponse,
  JobDispatchResponse,
  JobPlanResponse,
  JobRegisterResponse,
  JobResponse,
  NamespaceInfo,
  NamespaceRequest,
  NodePoolInfo,
  NodePoolRequest,
  NodeUpdateResponse,
} from './types';

/** Options every call takes. */
export interface CallOptions {
  /** Namespace of this call. @default - the client's `namespace` */
  readonly namespace?: string;
  /** Region of this call. @default - the client's `region` */
  readonly region?: string;
  /** Cancels the call (and its retries and waits); it then rejects with the signal's reason. @default - not cancellable */
  readonly signal?: AbortSignal;
  /**
   * The ACL token of this call (`X-Nomad-Token`), e.g. to ask `readAclTokenSelf()` about another token.
   * @default - the client's `token`
   */
  readonly token?: string;
}

/**
 * A job body as `POST /v1/jobs` takes it: `{"Job": {...}}` (what `Job.toApiJson()` returns),
 * optionally with the other documented request fields, which are sent as given unless a
 * {@link RegisterOptions} option sets them.
 */
export interface JobRequestBody {
  readonly Job: Readonly<Record<string, unknown>>;
  /** The original source of the job, kept by Nomad for reference. */
  readonly Submission?: unknown;
  readonly EnforceIndex?: boolean;
  readonly JobModifyIndex?: number;
  readonly PolicyOverride?: boolean;
  readonly PreserveCounts?: boolean;
  readonly EvalPriority?: number;
}

/**
 * @see https://developer.hashicorp.com/nomad/api-docs/jobs#create-job
 */
export interface RegisterOptions extends CallOptions {
  /**
   * Check-and-set: sends `EnforceIndex: true` with this `JobModifyIndex`, so the job is only
   * registered if its current JobModifyIndex still equals it (0: only if the job is new), like
   * `nomad job run -check-index`. Take it from `plan()` or a previous `register()`. A lost race
   * fails with a NomadApiError whose `isEnforceIndexConflict` is true.
   * @default - no check: the job is registered whatever its current version
   */
  readonly jobModifyIndex?: number;
  /** Override soft-mandatory Sentinel policies (`PolicyOverride`). @default false */
  readonly policyOverride?: boolean;
  /** Keep the running task group counts instead of the job's (`PreserveCounts`). @default false */
  readonly preserveCounts?: boolean;
  /** Priority of the evaluation this registration creates, 1-100 (`EvalPriority`). @default - the job's priority */
  readonly evalPriority?: number;
}

/**
 * @see https://developer.hashicorp.com/nomad/api-docs/jobs#create-job-plan
 */
export interface PlanOptions extends CallOptions {
  /** Plan as if soft-mandatory Sentinel policies were overridden (`PolicyOverride`). @default false */
  readonly policyOverride?: boolean;
}

/**
 * @see https://developer.hashicorp.com/nomad/api-docs/jobs#dispatch-job
 */
export interface DispatchOptions extends CallOptions {
  /** Metadata for the dispatched job; keys must be in the job's `meta_required`/`meta_optional`. @default - none */
  readonly meta?: Readonly<Record<string, string>>;
  /** The payload (sent base64-encoded); use `Buffer.from(text)` for text. @default - no payload */
  readonly payload?: Uint8Array;
  /**
   * Makes the dispatch idempotent: while a child job dispatched with the same token exists,
   * Nomad returns it instead of creating another. With a token the call is also retried on
   * connection errors and 5xx answers; without one it never is.
   * @default - none: every call dispatches a new job
   */
  readonly idempotencyToken?: string;
  /** Prefix added to the dispatched job's ID (`IdPrefixTemplate`). @default - none */
  readonly idPrefixTemplate?: string;
}

/**
 * @see https://developer.hashicorp.com/nomad/api-docs/jobs#stop-a-job
 */
export interface DeregisterOptions extends CallOptions {
  /** Remove the job at once instead of leaving it to garbage collection (`nomad job stop -purge`). @default false */
  readonly purge?: boolean;
  /** Stop a multiregion job in all its regions. @default false */
  readonly global?: boolean;
  /** Priority of the evaluation this creates, 1-100. @default - the job's priority */
  readonly evalPriority?: number;
  /** Skip the groups' and tasks' `shutdown_delay`. @default false */
  readonly noShutdownDelay?: boolean;
}

/**
 * A node drain (`nomad node drain -enable`).
 *
 * @see https://developer.hashicorp.com/nomad/api-docs/nodes#drain-node
 */
export interface DrainNodeOptions extends CallOptions {
  /** How long allocations may take to migrate before Nomad stops the rest (`-deadline`). */
  readonly deadlineMs: number;
  /** Leave system jobs running (`-ignore-system`). @default false */
  readonly ignoreSystemJobs?: boolean;
  /** Kept in the node's `LastDrain.Meta` (`-meta`), e.g. why it drains. @default - none */
  readonly meta?: Readonly<Record<string, string>>;
}

export interface ListOptions extends CallOptions {
  /** Include allocations or deployments of earlier jobs that had the same ID (`?all=true`). @default false */
  readonly all?: boolean;
}

export interface QueryOptions extends CallOptions {
  /** Blocking query: wait until the state index is above this (`?index=`). @default - answer at once */
  readonly index?: number;
  /** Longest the server holds a blocking query (`?wait=`), at most 10 minutes. @default - the client's `blockingWaitMs` */
  readonly waitMs?: number;
  /** More query parameters. @default - none */
  readonly params?: Readonly<Record<string, string>>;
}

export interface QueryResult<T> {
  readonly data: T;
  /** `X-Nomad-Index`: pass it as `index` to wait for the next change. */
  readonly index: number | undefined;
}

export interface WaitForDeploymentOptions extends CallOptions {
  /**
   * Give up after this long; the call then rejects with a NomadApiError of code `timeout`
   * whose `deployment` is the last state seen.
   * @default - no limit: Nomad ends every deployment, failing it when a group makes no progress within its progress_deadline
   */
  readonly timeoutMs?: number;
  /** Called with the first state seen and after every change. @default - nothing is reported */
  readonly onProgress?: (progress: DeploymentProgress) => void;
}

export interface WaitForJobDeploymentOptions extends WaitForDeploymentOptions {
  /**
   * The `JobModifyIndex` a `register()` returned: deployments of earlier versions are skipped
   * until the one for this registration appears.
   * @default - the job's latest deployment, whichever version it is for
   */
  readonly jobModifyIndex?: number;
}

/**
 * A typed client of the Nomad HTTP API, configured like the Nomad CLI.
 *
 * Retries (connection errors and 5xx only, exponential backoff with full jitter) are limited to
 * calls whose repetition cannot change the outcome:
 * - every read (`GET`), blocking queries included;
 * - `plan()`: a dry run, it changes nothing on the server;
 * - `deregister()`: stopping or purging a job that is already stopped or gone succeeds without effect;
 * - `dispatch()` with an `idempotencyToken`: Nomad returns the job the first attempt dispatched.
 *
 * Never retried: `register()` (each call creates an evaluation, and a repeat of a check-and-set
 * that did succeed would report a conflict) and `dispatch()` without a token (each call is a new job).
 *
 * @example
 * const client = NomadClient.fromEnv();
 * const plan = await client.plan(job);
 * console.log(formatPlanDiff(plan));
 * const { JobModifyIndex } = await client.register(job, { jobModifyIndex: plan.JobModifyIndex });
 * const deployment = await client.waitForJobDeployment('web', { jobModifyIndex: JobModifyIndex, onProgress: (p) => console.log(formatDeploymentProgress(p)) });
 * client.close();
 */
export class NomadClient {
  /**
   * A client configured like the Nomad CLI: each option left undefined in `props` comes from
   * `NOMAD_ADDR`, `NOMAD_TOKEN`, `NOMAD_REGION`, `NOMAD_NAMESPACE`, `NOMAD_CACERT`,
   * `NOMAD_CLIENT_CERT`, `NOMAD_CLIENT_KEY`, `NOMAD_TLS_SERVER_NAME` or `NOMAD_SKIP_VERIFY`.
   *
   * @param env where to read the variables. @default process.env
   */
  static fromEnv(
    props: NomadClientProps = {},
    env: Readonly<Record<string, string | undefined>> = process.env,
  ): NomadClient {
    return new NomadClient(propsFromEnv(props, env));
  }

  private readonly config: ResolvedConfig;
  private readonly transport: Transport;
  private readonly onRetry: ((event: NomadRetryEvent) => void) | undefined;

  /** A client with exactly these options; the environment is not read (see {@link NomadClient.fromEnv}). */
  constructor(props: NomadClientProps = {}) {
    this.config = resolveConfig(props);
    this.onRetry = props.onRetry;
    this.transport = new Transport(this.config, resolveRetryOptions(props.retry), props.onRetry);
  }

  /** The agent's address, e.g. `http://127.0.0.1:4646`. */
  get address(): string {
    return this.config.baseUrl.href.replace(/\/$/, '');
  }

  /**
   * Registers (creates or updates) a job: `POST /v1/jobs`. Never retried.
   *
   * Like `nomad job run`, a job that sets its own `Namespace` or `Region` is sent there unless
   * the call names another.
   */
  async register(job: Job | JobRequestBody, options: RegisterOptions = {}): Promise<JobRegisterResponse> {
    const { body, namespace, region } = jobRequest(job);
    const request: Record<string, unknown> = { ...body };
    if (options.jobModifyIndex !== undefined) {
      request.EnforceIndex = true;
      request.JobModifyIndex = nonNegativeInteger('jobModifyIndex', options.jobModifyIndex);
    }
    if (options.policyOverride !== undefined) request.PolicyOverride = options.policyOverride;
    if (options.preserveCounts !== undefined) request.PreserveCounts = options.preserveCounts;
    if (options.evalPriority !== undefined) request.EvalPriority = options.evalPriority;
    return this.call<JobRegisterResponse>('POST', '/v1/jobs', {
      body: request,
      retryable: false,
      options: { namespace, region, ...definedCallOptions(options) },
    });
  }

  /**
   * Dry-runs the scheduler for a job and diffs it against the registered version:
   * `POST /v1/job/:job_id/plan` with `Diff: true`. Render the answer with `formatPlanDiff()`.
   */
  async plan(job: Job | JobRequestBody, options: PlanOptions = {}): Promise<JobPlanResponse> {
    const { body, id, namespace, region } = jobRequest(job);
    return this.call<JobPlanResponse>('POST', `/v1/job/${encodeURIComponent(id)}/plan`, {
      body: { Job: body.Job, Diff: true, PolicyOverride: options.policyOverride ?? false },
      retryable: true,
      options: { namespace, region, ...definedCallOptions(options) },
    });
  }

  /** Dispatches an instance of a parameterized job: `POST /v1/job/:job_id/dispatch`. */
  async dispatch(jobId: string, options: DispatchOptions = {}): Promise<JobDispatchResponse> {
    const body: Record<string, unknown> = {};
    if (options.payload !== undefined) body.Payload = Buffer.from(options.payload).toString('base64');
    if (options.meta !== undefined) body.Meta = options.meta;
    if (options.idPrefixTemplate !== undefined) body.IdPrefixTemplate = options.idPrefixTemplate;
    const token = options.idempotencyToken === '' ? undefined : options.idempotencyToken;
    return this.call<JobDispatchResponse>('POST', `${jobPath(jobId)}/dispatch`, {
      body,
      // The docs table names it IdempotencyToken, but the agent reads `?idempotency_token=`
      // (command/agent/http.go parseIdempotencyToken), as Nomad's Go client sends it.
      query: { idempotency_token: token },
      retryable: token !== undefined,
      options,
    });
  }

  /** Stops a job, and with `purge` removes it: `DELETE /v1/job/:job_id`. */
  async deregister(jobId: string, options: DeregisterOptions = {}): Promise<JobDeregisterResponse> {
    return this.call<JobDeregisterResponse>('DELETE', jobPath(jobId), {
      query: {
        purge: String(options.purge ?? false),
        global: options.global === undefined ? undefined : String(options.global),
        eval_priority: options.evalPriority === undefined ? undefined : String(options.evalPriority),
        no_shutdown_delay: options.noShutdownDelay === undefined ? undefined : String(options.noShutdownDelay),
      },
      retryable: true,
      options,
    });
  }

  /** Reads a job as registered: `GET /v1/job/:job_id`. `Job.fromApiJson()` turns it into the model. */
  async readJob(jobId: string, options: CallOptions = {}): Promise<JobResponse> {
    return this.call<JobResponse>('GET', jobPath(jobId), { retryable: true, options });
  }

  /** Lists a job's allocations: `GET /v1/job/:job_id/allocations`. */
  async jobAllocations(jobId: string, options: ListOptions = {}): Promise<AllocationListStub[]> {
    const data = await this.call<AllocationListStub[] | null>('GET', `${jobPath(jobId)}/allocations`, {
      query: { all: String(options.all ?? false) },
      retryable: true,
      options,
    });
    return data ?? [];
  }

  /** Lists a job's deployments, newest first: `GET /v1/job/:job_id/deployments`. */
  async jobDeployments(jobId: string, options: ListOptions = {}): Promise<Deployment[]> {
    const data = await this.call<Deployment[] | null>('GET', `${jobPath(jobId)}/deployments`, {
      query: { all: String(options.all ?? false) },
      retryable: true,
      options,
    });
    return data ?? [];
  }

  /** A job's most recent deployment, or undefined if it has none: `GET /v1/job/:job_id/deployment`. */
  async latestDeployment(jobId: string, options: CallOptions = {}): Promise<Deployment | undefined> {
    const data = await this.call<Deployment | null>('GET', `${jobPath(jobId)}/deployment`, {
      retryable: true,
      options,
    });
    return data ?? undefined;
  }

  /** Lists a job's evaluations: `GET /v1/job/:job_id/evaluations`. */
  async jobEvaluations(jobId: string, options: CallOptions = {}): Promise<Evaluation[]> {
    const data = await this.call<Evaluation[] | null>('GET', `${jobPath(jobId)}/evaluations`, {
      retryable: true,
      options,
    });
    return data ?? [];
  }

  /** Reads a deployment: `GET /v1/deployment/:deployment_id`. */
  async readDeployment(deploymentId: string, options: CallOptions = {}): Promise<Deployment> {
    return this.call<Deployment>(
      'GET',
      `/v1/deployment/${encodeURIComponent(required('deploymentId', deploymentId))}`,
      {
        retryable: true,
        options,
      },
    );
  }

  /** Reads an evaluation: `GET /v1/evaluation/:eval_id`. */
  async readEvaluation(evalId: string, options: CallOptions = {}): Promise<Evaluation> {
    return this.call<Evaluation>('GET', `/v1/evaluation/${encodeURIComponent(required('evalId', evalId))}`, {
      retryable: true,
      options,
    });
  }

  /**
   * Marks a node eligible or ineligible for new allocations: `POST /v1/node/:node_id/eligibility`.
   * Retried: setting the same eligibility again changes nothing.
   */
  async updateNodeEligibility(
    nodeId: string,
    eligible: boolean,
    options: CallOptions = {},
  ): Promise<NodeUpdateResponse> {
    return this.call<NodeUpdateResponse>(
      'POST',
      `/v1/node/${encodeURIComponent(required('nodeId', nodeId))}/eligibility`,
      {
        body: { NodeID: nodeId, Eligibility: eligible ? 'eligible' : 'ineligible' },
        retryable: true,
        options,
      },
    );
  }

  /**
   * Starts draining a node (and marks it ineligible): `POST /v1/node/:node_id/drain`. Never
   * retried: each call starts the deadline anew.
   */
  async drainNode(nodeId: string, options: DrainNodeOptions): Promise<NodeUpdateResponse> {
    const deadlineMs = nonNegativeInteger('deadlineMs', options.deadlineMs);
    return this.call<NodeUpdateResponse>('POST', `/v1/node/${encodeURIComponent(required('nodeId', nodeId))}/drain`, {
      body: {
        NodeID: nodeId,
        DrainSpec: { Deadline: deadlineMs * 1_000_000, IgnoreSystemJobs: options.ignoreSystemJobs ?? false },
        MarkEligible: false,
        ...(options.meta === undefined ? {} : { Meta: options.meta }),
      },
      retryable: false,
      options,
    });
  }

  /**
   * Saves a snapshot of the servers' state (`nomad operator snapshot save`): `GET
   * /v1/operator/snapshot`, the gzipped archive as it came, with the raft index it was taken at.
   * Needs `operator:snapshot-save` (or a management token). Retried: reading a snapshot changes nothing.
   * Snapshots above the client's `maxResponseBytes` are refused.
   */
  async saveSnapshot(options: CallOptions & { readonly stale?: boolean } = {}): Promise<QueryResult<Buffer>> {
    return this.transport.send<Buffer>({
      method: 'GET',
      path: '/v1/operator/snapshot',
      query: { ...(options.stale ? { stale: 'true' } : {}), ...scope(options) },
      retryable: true,
      binary: true,
      token: options.token,
      signal: options.signal,
    });
  }

  /**
   * Bootstraps the ACL system (`nomad acl bootstrap`): `POST /v1/acl/bootstrap`, answering the
   * management token. With `bootstrapSecret` (a UUID) the token gets that secret ID, so a caller
   * can store it before the call. Nomad accepts one bootstrap per cluster and answers 400 ("ACL
   * bootstrap already done") after it. Never retried: a lost answer is told apart by that 400.
   *
   * @see https://developer.hashicorp.com/nomad/api-docs/acl/tokens#bootstrap-token
   */
  async bootstrapAcl(options: CallOptions & { readonly bootstrapSecret?: string } = {}): Promise<AclToken> {
    const body = options.bootstrapSecret === undefined ? undefined : { BootstrapSecret: options.bootstrapSecret };
    return this.call<AclToken>('POST', '/v1/acl/bootstrap', { body, retryable: false, options });
  }

  /** Reads the token the call is made with (`options.token` or the client's): `GET /v1/acl/token/self`. */
  async readAclTokenSelf(options: CallOptions = {}): Promise<AclToken> {
    return this.call<AclToken>('GET', '/v1/acl/token/self', { retryable: true, options });
  }

  /** Lists the ACL tokens, without their secret IDs: `GET /v1/acl/tokens`. */
  async listAclTokens(options: CallOptions = {}): Promise<AclTokenListStub[]> {
    return (await this.call<AclTokenListStub[] | null>('GET', '/v1/acl/tokens', { retryable: true, options })) ?? [];
  }

  /** Reads a token, its secret ID included: `GET /v1/acl/token/:accessor_id`. */
  async readAclToken(accessorId: string, options: CallOptions = {}): Promise<AclToken> {
    return this.call<AclToken>('GET', aclTokenPath(accessorId), { retryable: true, options });
  }

  /**
   * Creates a token: `POST /v1/acl/token`. Never retried: each call creates another token.
   *
   * @see https://developer.hashicorp.com/nomad/api-docs/acl/tokens#create-token
   */
  async createAclToken(token: AclTokenRequest, options: CallOptions = {}): Promise<AclToken> {
    return this.call<AclToken>('POST', '/v1/acl/token', { body: token, retryable: false, options });
  }

  /** Updates a token's name, policies or roles: `POST /v1/acl/token/:accessor_id`. Retried: it writes the same state again. */
  async updateAclToken(accessorId: string, token: AclTokenRequest, options: CallOptions = {}): Promise<AclToken> {
    const body = { ...token, AccessorID: accessorId };
    return this.call<AclToken>('POST', aclTokenPath(accessorId), { body, retryable: true, options });
  }

  /** Deletes a token: `DELETE /v1/acl/token/:accessor_id`. */
  async deleteAclToken(accessorId: string, options: CallOptions = {}): Promise<void> {
    await this.call<unknown>('DELETE', aclTokenPath(accessorId), { retryable: true, options });
  }

  /** Reads an ACL policy: `GET /v1/acl/policy/:policy_name`. */
  async readAclPolicy(name: string, options: CallOptions = {}): Promise<AclPolicy> {
    return this.call<AclPolicy>('GET', namedPath('/v1/acl/policy', 'name', name), { retryable: true, options });
  }

  /**
   * Creates or updates an ACL policy: `POST /v1/acl/policy/:policy_name`.
   *
   * @see https://developer.hashicorp.com/nomad/api-docs/acl/policies#create-or-update-policy
   */
  async upsertAclPolicy(policy: AclPolicyRequest, options: CallOptions = {}): Promise<void> {
    await this.call<unknown>('POST', namedPath('/v1/acl/policy', 'policy.Name', policy.Name), {
      body: policy,
      retryable: true,
      options,
    });
  }

  /** Deletes an ACL policy: `DELETE /v1/acl/policy/:policy_name`. */
  async deleteAclPolicy(name: string, options: CallOptions = {}): Promise<void> {
    await this.call<unknown>('DELETE', namedPath('/v1/acl/policy', 'name', name), { retryable: true, options });
  }

  /** Reads a namespace: `GET /v1/namespace/:namespace`. */
  async readNamespace(name: string, options: CallOptions = {}): Promise<NamespaceInfo> {
    return this.call<NamespaceInfo>('GET', namedPath('/v1/namespace', 'name', name), { retryable: true, options });
  }

  /**
   * Creates or updates a namespace: `POST /v1/namespace/:namespace`.
   *
   * @see https://developer.hashicorp.com/nomad/api-docs/namespaces#create-or-update-namespace
   */
  async upsertNamespace(namespace: NamespaceRequest, options: CallOptions = {}): Promise<void> {
    await this.call<unknown>('POST', namedPath('/v1/namespace', 'namespace.Name', namespace.Name), {
      body: namespace,
      retryable: true,
      options,
    });
  }

  /** Reads a node pool: `GET /v1/node/pool/:node_pool_name`. */
  async readNodePool(name: string, options: CallOptions = {}): Promise<NodePoolInfo> {
    return this.call<NodePoolInfo>('GET', namedPath('/v1/node/pool', 'name', name), { retryable: true, options });
  }

  /**
   * Creates or updates a node pool: `POST /v1/node/pools`.
   *
   * @see https://developer.hashicorp.com/nomad/api-docs/node-pools#create-or-update-node-pool
   */
  async upsertNodePool(pool: NodePoolRequest, options: CallOptions = {}): Promise<void> {
    required('pool.Name', pool.Name);
    await this.call<unknown>('POST', '/v1/node/pools', { body: pool, retryable: true, options });
  }

  /**
   * Any read of the API, with blocking-query support: the escape hatch for endpoints this
   * client has no method for. `path` starts with `/v1/`; its segments must be encoded.
   *
   * @example
   * let index = 0;
   * const { data, index: next } = await client.query<Node[]>('/v1/nodes', { index, waitMs: 30_000 });
   */
  async query<T>(path: string, options: QueryOptions = {}): Promise<QueryResult<T>> {
    if (!path.startsWith('/v1/')) {
      throw argumentError(`path: expected an API path starting with "/v1/", received ${JSON.stringify(path)}`);
    }
    const blocking = options.index !== undefined && options.index > 0;
    const waitMs = options.waitMs ?? this.config.blockingWaitMs;
    return this.transport.send<T>({
      method: 'GET',
      path,
      query: {
        ...options.params,
        ...(blocking ? { index: String(options.index), wait: `${Math.ceil(waitMs)}ms` } : {}),
        ...scope(options),
      },
      retryable: true,
      // Nomad may hold a blocking query up to wait + wait/16 (its jitter) before answering.
      extraTimeoutMs: blocking ? Math.ceil((waitMs * 17) / 16) : 0,
      token: options.token,
      signal: options.signal,
    });
  }

  /**
   * Waits until a deployment is over, with blocking queries on `GET /v1/deployment/:id`
   * (`?index=` from the last `X-Nomad-Index`), reporting each change to `onProgress`.
   *
   * A server that answers without blocking (no index, an index that does not move or goes
   * backwards) is queried again only after a pause of 1-2 s that doubles each time, up to
   * 10-20 s, as Nomad's own client paces its retries; each pause is reported to `onRetry`.
   *
   * Resolves with the final deployment whatever the outcome: check `Status` (`successful`,
   * `failed` or `cancelled`). Rejects only when the API fails or `timeoutMs` runs out.
   */
  async waitForDeployment(deploymentId: string, options: WaitForDeploymentOptions = {}): Promise<Deployment> {
    required('deploymentId', deploymentId);
    return this.withDeadline(options, (wait) => this.followDeployment(deploymentId, options, wait));
  }

  /**
   * Waits for a job's deployment to be over: first, with blocking queries on
   * `GET /v1/job/:job_id/deployment`, for the deployment of the registration whose
   * `jobModifyIndex` is given to appear, then as {@link waitForDeployment} (paced the same way).
   *
   * Batch and sysbatch jobs never get a deployment: give a `timeoutMs`, or do not wait for them.
   */
  async waitForJobDeployment(jobId: string, options: WaitForJobDeploymentOptions = {}): Promise<Deployment> {
    const path = `${jobPath(jobId)}/deployment`;
    const minimum = options.jobModifyIndex ?? 0;
    return this.withDeadline(options, async (wait) => {
      const deployment = await watch(this.watchOptions<Deployment | null>(path, wait), (latest) =>
        latest && latest.JobModifyIndex >= minimum ? latest : undefined,
      );
      return this.followDeployment(deployment.ID, options, wait);
    });
  }

  /** Closes kept-alive connections, so the process can exit at once. The client still works afterwards. */
  close(): void {
    this.transport.close();
  }

  private async followDeployment(
    deploymentId: string,
    options: WaitForDeploymentOptions,
    wait: DeadlineContext,
  ): Promise<Deployment> {
    const path = `/v1/deployment/${encodeURIComponent(deploymentId)}`;
    let reported: number | undefined;
    return watch(this.watchOptions<Deployment>(path, wait), (deployment) => {
      if (!deployment || typeof deployment !== 'object' || typeof deployment.Status !== 'string') {
        throw new NomadApiError({
          code: 'invalid-response',
          message: `Nomad API error: GET ${path} returned 200 but no deployment: ${JSON.stringify(deployment)}`,
          method: 'GET',
          path,
          status: 200,
        });
      }
      wait.lastDeployment = deployment;
      const progress = deploymentProgress(deployment);
      if (reported !== deployment.ModifyIndex) {
        reported = deployment.ModifyIndex;
        options.onProgress?.(progress);
      }
      return progress.terminal ? deployment : undefined;
    });
  }

  /** A blocking-query loop on `path` within one wait: its deadline, signal and scope. */
  private watchOptions<T>(path: string, wait: DeadlineContext) {
    return {
      path,
      query: (index: number) => this.query<T>(path, wait.queryOptions(index)),
      signal: wait.signal,
      onPause: this.onRetry,
    };
  }

  /** Runs `body` with the call's signal and an overall deadline merged into one signal. */
  private async withDeadline<T>(
    options: WaitForDeploymentOptions,
    body: (context: DeadlineContext) => Promise<T>,
  ): Promise<T> {
    const timeoutMs = options.timeoutMs;
    if (timeoutMs !== undefined && !(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
      throw argumentError(`timeoutMs: expected a number of milliseconds > 0, received ${timeoutMs}`);
    }
    const controller = new AbortController();
    const timedOut = new Error('deadline');
    const onAbort = (): void => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const deadline = timeoutMs === undefined ? undefined : performance.now() + timeoutMs;
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(timedOut), timeoutMs);
    const context = new DeadlineContext(
      controller.signal,
      deadline,
      this.config.blockingWaitMs,
      definedCallOptions(options),
    );
    try {
      return await body(context);
    } catch (error) {
      if (controller.signal.aborted && controller.signal.reason === timedOut) {
        throw timeoutError(timeoutMs ?? 0, context.lastDeployment);
      }
      throw error;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  private async call<T>(
    method: HttpMethod,
    path: string,
    request: {
      readonly body?: unknown;
      readonly query?: Readonly<Record<string, string | undefined>>;
      readonly retryable: boolean;
      readonly options: CallOptions;
    },
  ): Promise<T> {
    const response: HttpResponse<T> = await this.transport.send<T>({
      method,
      path,
      query: { ...request.query, ...scope(request.options) },
      body: request.body,
      retryable: request.retryable,
      token: request.options.token,
      signal: request.options.signal,
    });
    return response.data;
  }
}

/** State shared by the phases of one wait: its signal, deadline and the last deployment seen. */
class DeadlineContext {
  lastDeployment: Deployment | undefined;

  constructor(
    readonly signal: AbortSignal,
    private readonly deadline: number | undefined,
    private readonly blockingWaitMs: number,
    private readonly callOptions: CallOptions,
  ) {}

  /** Options of the next blocking query: its `wait` never runs past the deadline. */
  queryOptions(index: number): QueryOptions {
    const remaining = this.deadline === undefined ? this.blockingWaitMs : this.deadline - performance.now();
    return {
      ...this.callOptions,
      index,
      waitMs: Math.max(1, Math.min(this.blockingWaitMs, remaining)),
      signal: this.signal,
    };
  }
}

function timeoutError(timeoutMs: number, deployment: Deployment | undefined): NomadApiError {
  const state = deployment
    ? `deployment ${JSON.stringify(deployment.ID)} is still ${deployment.Status}:\n${formatDeploymentProgress(
        deploymentProgress(deployment),
      )}`
    : 'no deployment appeared (batch and sysbatch jobs never get one)';
  return new NomadApiError({
    code: 'timeout',
    message: `Nomad API error: gave up waiting after ${timeoutMs} ms: ${state}`,
    ...(deployment ? { method: 'GET', path: `/v1/deployment/${deployment.ID}`, deployment } : {}),
  });
}

function scope(options: CallOptions): Record<string, string> {
  return {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.region ? { region: options.region } : {}),
  };
}

function definedCallOptions(options: CallOptions): CallOptions {
  return {
    ...(options.namespace ? { namespace: options.namespace } : {}),
    ...(options.region ? { region: options.region } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.token ? { token: options.token } : {}),
  };
}

function aclTokenPath(accessorId: string): string {
  return namedPath('/v1/acl/token', 'accessorId', accessorId);
}

/** `prefix/<value>`, the value checked and encoded as one path segment. */
function namedPath(prefix: string, name: string, value: string): string {
  return `${prefix}/${encodeURIComponent(required(name, value))}`;
}

function jobPath(jobId: string): string {
  return `/v1/job/${encodeURIComponent(required('jobId', jobId))}`;
}

function required(name: string, value: string): string {
  if (typeof value !== 'string' || value === '') {
    throw argumentError(`${name}: expected a non-empty string, received ${JSON.stringify(value)}`);
  }
  return value;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw argumentError(`${name}: expected an integer >= 0, received ${value}`);
  }
  return value;
}

function argumentError(message: string): NomadApiError {
  return new NomadApiError({ code: 'invalid-argument', message: `Nomad client: ${message}` });
}
