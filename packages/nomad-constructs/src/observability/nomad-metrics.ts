/**
 * The metrics a cluster publishes to CloudWatch, in one place: the CloudWatch agent configuration
 * selects them and the `metricX()` methods read them.
 */

/** Nomad's own metrics (telemetry.prometheus_metrics), scraped by the CloudWatch agent as embedded metric format. */
export const NOMAD_NAMESPACE = 'Nomad';

/** Instance metrics from the CloudWatch agent (CPU, memory, disk), aggregated per Auto Scaling group. */
export const INSTANCE_NAMESPACE = 'Nomad/Instances';

/** Dimension and Prometheus label: the cluster name. */
export const CLUSTER_DIMENSION = 'NomadCluster';
/** Dimension and Prometheus label: the node pool of a client. */
export const NODE_POOL_DIMENSION = 'NomadNodePool';
/** Prometheus label: `server` or `client`. */
export const ROLE_LABEL = 'NomadRole';

/**
 * Server metrics published to CloudWatch (Prometheus names, with `disable_hostname = true`).
 * @see https://developer.hashicorp.com/nomad/docs/reference/metrics
 */
export const SERVER_METRICS = {
  /** Evaluations waiting for capacity: grows when the clients are full. */
  blockedEvaluations: 'nomad_nomad_blocked_evals_total_blocked',
  /** Evaluations waiting in the broker to be scheduled. */
  pendingEvaluations: 'nomad_nomad_broker_total_pending',
  /** Client nodes with a live heartbeat, as the leader tracks them. */
  activeHeartbeats: 'nomad_nomad_heartbeat_active',
  /** Elections started by a server becoming a candidate (a counter, published as increments). */
  leaderElections: 'nomad_raft_state_candidate',
  /**
   * Evaluations ready to be scheduled. Only the leader's evaluation broker reports it, so its sample
   * count per minute says whether the cluster has a leader.
   */
  readyEvaluations: 'nomad_nomad_broker_total_ready',
  /** Goroutines of each server. Every server reports it, so its sample count per minute is the servers reporting. */
  goroutines: 'nomad_runtime_num_goroutines',
  /** Failed allocations of each job (the leader's job summaries; summed over jobs). */
  failedAllocations: 'nomad_nomad_job_summary_failed',
} as const;

/** Client (node) metrics published to CloudWatch, per node pool. */
export const CLIENT_METRICS = {
  runningAllocations: 'nomad_client_allocations_running',
  unallocatedCpu: 'nomad_client_unallocated_cpu',
  unallocatedMemory: 'nomad_client_unallocated_memory',
} as const;

/** CloudWatch agent instance metrics (`<measurement group>_<measurement>`). */
export const INSTANCE_METRICS = {
  cpuUtilization: 'cpu_usage_active',
  memoryUtilization: 'mem_used_percent',
  diskUtilization: 'disk_used_percent',
} as const;
