// Response shapes of the Nomad HTTP API, as documented in website/content/api-docs/*.mdx and
// declared in Nomad's api/*.go. Only the fields this package reads are typed; every other
// field Nomad sends is still there, under the index signature.

/** Answer of `POST /v1/jobs` (register). */
/** The answer of a node update (eligibility, drain): the evaluations it created. */
export interface NodeUpdateResponse {
  readonly EvalIDs?: readonly string[] | null;
  readonly EvalCreateIndex?: number;
  readonly NodeModifyIndex?: number;
}

export interface JobRegisterResponse {
  /** The evaluation the registration created; empty for periodic and parameterized jobs. */
  readonly EvalID: string;
  readonly EvalCreateIndex: number;
  /** The job's new JobModifyIndex: pass it to a later register as `jobModifyIndex` to check-and-set. */
  readonly JobModifyIndex: number;
  /** Deprecation and other warnings, one per line; empty when none. */
  readonly Warnings?: string;
  readonly [key: string]: unknown;
}

/** Answer of `DELETE /v1/job/:job_id` (deregister). */
export interface JobDeregisterResponse {
  /** Empty when the job was already gone, or is periodic or parameterized. */
  readonly EvalID: string;
  readonly EvalCreateIndex: number;
  readonly JobModifyIndex: number;
  readonly [key: string]: unknown;
}

/** Answer of `POST /v1/job/:job_id/dispatch`. */
export interface JobDispatchResponse {
  /** ID of the child job, e.g. `report/dispatch-1485408778-81644024`. */
  readonly DispatchedJobID: string;
  /** Empty when an earlier dispatch with the same idempotency token is returned instead. */
  readonly EvalID: string;
  readonly EvalCreateIndex: number;
  readonly JobCreateIndex: number;
  readonly [key: string]: unknown;
}

/** `Added`, `Deleted`, `Edited` or `None`. */
export type DiffType = string;

export interface FieldDiff {
  readonly Type: DiffType;
  readonly Name: string;
  readonly Old: string;
  readonly New: string;
  /** e.g. `forces create/destroy update`, `forces in-place update`. */
  readonly Annotations?: readonly string[] | null;
  readonly [key: string]: unknown;
}

export interface ObjectDiff {
  readonly Type: DiffType;
  readonly Name: string;
  readonly Fields?: readonly FieldDiff[] | null;
  readonly Objects?: readonly ObjectDiff[] | null;
  readonly [key: string]: unknown;
}

export interface TaskDiff extends ObjectDiff {
  readonly Annotations?: readonly string[] | null;
}

export interface TaskGroupDiff extends ObjectDiff {
  readonly Tasks?: readonly TaskDiff[] | null;
  /** The scheduler's annotations: counts keyed by `create`, `destroy`, `in-place update`, `create/destroy update`, `migrate`, `canary`, `ignore`. */
  readonly Updates?: Readonly<Record<string, number>> | null;
}

export interface JobDiff {
  readonly Type: DiffType;
  readonly ID: string;
  readonly Fields?: readonly FieldDiff[] | null;
  readonly Objects?: readonly ObjectDiff[] | null;
  readonly TaskGroups?: readonly TaskGroupDiff[] | null;
  readonly [key: string]: unknown;
}

/** What the scheduler would do to one task group. */
export interface DesiredUpdates {
  readonly Ignore?: number;
  readonly Place?: number;
  readonly Migrate?: number;
  readonly Stop?: number;
  readonly InPlaceUpdate?: number;
  readonly DestructiveUpdate?: number;
  readonly Canary?: number;
  readonly Preemptions?: number;
  readonly [key: string]: unknown;
}

/** Why the scheduler could not place allocations of a task group. */
export interface AllocationMetric {
  readonly NodesEvaluated?: number;
  readonly NodesFiltered?: number;
  readonly NodesAvailable?: Readonly<Record<string, number>> | null;
  readonly ClassFiltered?: Readonly<Record<string, number>> | null;
  readonly ConstraintFiltered?: Readonly<Record<string, number>> | null;
  readonly NodesExhausted?: number;
  readonly ClassExhausted?: Readonly<Record<string, number>> | null;
  readonly DimensionExhausted?: Readonly<Record<string, number>> | null;
  readonly QuotaExhausted?: readonly string[] | null;
  /** Further allocations that failed for the same reason: the total is this plus one. */
  readonly CoalescedFailures?: number;
  readonly [key: string]: unknown;
}

/** Answer of `POST /v1/job/:job_id/plan`. */
export interface JobPlanResponse {
  /** JobModifyIndex of the job on the server (0 when new): use it to register with a check-and-set. */
  readonly JobModifyIndex: number;
  /** Present when the plan asked for `Diff: true`. */
  readonly Diff?: JobDiff | null;
  readonly Annotations?: {
    readonly DesiredTGUpdates?: Readonly<Record<string, DesiredUpdates>> | null;
    readonly PreemptedAllocs?: readonly AllocationListStub[] | null;
    readonly [key: string]: unknown;
  } | null;
  readonly FailedTGAllocs?: Readonly<Record<string, AllocationMetric>> | null;
  readonly CreatedEvals?: readonly Evaluation[] | null;
  /** RFC 3339 time; `0001-01-01T00:00:00Z` when the job is not periodic. */
  readonly NextPeriodicLaunch?: string | null;
  readonly Warnings?: string;
  readonly [key: string]: unknown;
}

/** An evaluation, as listed by `GET /v1/job/:job_id/evaluations` or read by `GET /v1/evaluation/:eval_id`. */
export interface Evaluation {
  readonly ID: string;
  readonly JobID: string;
  /** `pending`, `complete`, `failed`, `blocked` or `canceled`. */
  readonly Status: string;
  readonly StatusDescription?: string;
  /** Job type: `service`, `batch`, `system` or `sysbatch`. */
  readonly Type?: string;
  readonly TriggeredBy?: string;
  /** The deployment this evaluation created or updated, if any. */
  readonly DeploymentID?: string;
  /** Nanoseconds before the evaluation runs (rolling updates). */
  readonly Wait?: number;
  readonly FailedTGAllocs?: Readonly<Record<string, AllocationMetric>> | null;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
  readonly [key: string]: unknown;
}

/** An allocation as listed by `GET /v1/job/:job_id/allocations`. */
export interface AllocationListStub {
  readonly ID: string;
  readonly Name: string;
  readonly JobID: string;
  readonly TaskGroup: string;
  readonly NodeID?: string;
  /** `run`, `stop` or `evict`. */
  readonly DesiredStatus: string;
  /** `pending`, `running`, `complete`, `failed`, `lost` or `unknown`. */
  readonly ClientStatus: string;
  readonly DeploymentStatus?: {
    readonly Healthy?: boolean | null;
    readonly Canary?: boolean;
    readonly [key: string]: unknown;
  } | null;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
  readonly [key: string]: unknown;
}

/** The state of one task group in a deployment. */
export interface DeploymentState {
  readonly DesiredTotal: number;
  readonly PlacedAllocs: number;
  readonly HealthyAllocs: number;
  readonly UnhealthyAllocs: number;
  readonly DesiredCanaries?: number;
  readonly PlacedCanaries?: readonly string[] | null;
  readonly Promoted?: boolean;
  readonly AutoRevert?: boolean;
  readonly [key: string]: unknown;
}

/**
 * A deployment, from `GET /v1/deployment/:id`, `GET /v1/job/:job_id/deployment(s)`.
 * `Status` is one of {@link DEPLOYMENT_TERMINAL_STATUSES} once it is over, otherwise
 * `running`, `paused`, `pending`, `blocked`, `unblocking` or `initializing`.
 */
export interface Deployment {
  readonly ID: string;
  readonly JobID: string;
  readonly Namespace?: string;
  readonly JobVersion: number;
  /** The job's ModifyIndex when the deployment was made; never lower than the JobModifyIndex a register returned. */
  readonly JobModifyIndex: number;
  readonly JobCreateIndex?: number;
  readonly TaskGroups?: Readonly<Record<string, DeploymentState>> | null;
  readonly Status: string;
  readonly StatusDescription: string;
  readonly CreateIndex: number;
  readonly ModifyIndex: number;
  readonly [key: string]: unknown;
}

/** Deployment statuses after which nothing more happens. */
export const DEPLOYMENT_TERMINAL_STATUSES: readonly string[] = ['successful', 'failed', 'cancelled'];

/** A job as read by `GET /v1/job/:job_id`; `Job.fromApiJson()` turns it into the model. */
export interface JobResponse {
  readonly ID: string;
  readonly Name: string;
  readonly Namespace: string;
  readonly Type: string;
  /** `pending`, `running` or `dead`. */
  readonly Status: string;
  readonly Stop?: boolean;
  readonly Version: number;
  readonly JobModifyIndex: number;
  readonly ModifyIndex: number;
  readonly CreateIndex: number;
  readonly [key: string]: unknown;
}

/**
 * An ACL token as `GET /v1/acl/token/:accessor_id`, `GET /v1/acl/token/self`, create and
 * bootstrap answer it.
 *
 * @see https://developer.hashicorp.com/nomad/api-docs/acl/tokens
 */
export interface AclToken {
  readonly AccessorID: string;
  /** The secret sent as `X-Nomad-Token`. */
  readonly SecretID: string;
  readonly Name?: string;
  /** `client` or `management`. */
  readonly Type: string;
  readonly Policies?: readonly string[] | null;
  readonly Global?: boolean;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
  readonly [key: string]: unknown;
}

/** A token in `GET /v1/acl/tokens`: no secret ID. */
export interface AclTokenListStub {
  readonly AccessorID: string;
  readonly Name?: string;
  readonly Type: string;
  readonly Policies?: readonly string[] | null;
  readonly CreateIndex?: number;
  readonly [key: string]: unknown;
}

/** The body of a token creation or update. */
export interface AclTokenRequest {
  readonly Name?: string;
  /** `client` (with `Policies`) or `management`. */
  readonly Type: 'client' | 'management';
  readonly Policies?: readonly string[];
  /** Replicated to every region (federated clusters). @default false */
  readonly Global?: boolean;
  readonly [key: string]: unknown;
}

/** An ACL policy as `GET /v1/acl/policy/:policy_name` answers it. */
export interface AclPolicy {
  readonly Name: string;
  readonly Description?: string;
  /** The policy, HCL. */
  readonly Rules: string;
  readonly CreateIndex?: number;
  readonly ModifyIndex?: number;
  readonly [key: string]: unknown;
}

/** The body of a policy creation or update. @see https://developer.hashicorp.com/nomad/api-docs/acl/policies */
export interface AclPolicyRequest {
  readonly Name: string;
  readonly Description?: string;
  readonly Rules: string;
  readonly [key: string]: unknown;
}

/** A namespace as `GET /v1/namespace/:namespace` answers it. */
export interface NamespaceInfo {
  readonly Name: string;
  readonly Description?: string;
  readonly [key: string]: unknown;
}

/** The body of a namespace creation or update. @see https://developer.hashicorp.com/nomad/api-docs/namespaces */
export interface NamespaceRequest {
  readonly Name: string;
  readonly Description?: string;
  readonly Meta?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}

/** A node pool as `GET /v1/node/pool/:node_pool_name` answers it. */
export interface NodePoolInfo {
  readonly Name: string;
  readonly Description?: string;
  readonly [key: string]: unknown;
}

/** The body of a node pool creation or update. @see https://developer.hashicorp.com/nomad/api-docs/node-pools */
export interface NodePoolRequest {
  readonly Name: string;
  readonly Description?: string;
  readonly Meta?: Readonly<Record<string, string>>;
  readonly [key: string]: unknown;
}
