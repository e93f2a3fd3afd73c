/**
 * Nomad's documented telemetry: the metrics HashiCorp's metrics reference lists, by section, in the
 * dotted form the reference uses. Every Nomad metric a dashboard, alert rule or CloudWatch
 * selection reads must be one of these (the tests check it), so a query never waits for a metric
 * that Nomad does not emit.
 *
 * Only the sections this package reads are transcribed (not the per-RPC timers).
 *
 * @see https://developer.hashicorp.com/nomad/docs/reference/metrics
 */

/** The metrics reference this table is transcribed from. */
export const NOMAD_METRICS_REFERENCE = 'https://developer.hashicorp.com/nomad/docs/reference/metrics';

/** How a metric is exposed in Prometheus format (`/v1/metrics?format=prometheus`, go-metrics' Prometheus sink). */
export type NomadMetricType = 'gauge' | 'counter' | 'timer';

/** One documented metric. */
export interface NomadMetric {
  /** The dotted name, as in the reference (`nomad.client.allocs.memory.usage`). */
  readonly name: string;
  readonly type: NomadMetricType;
  /** Where it comes from: every agent, clients only, servers, or the leader only. */
  readonly emittedBy: 'agent' | 'client' | 'server' | 'leader';
}

const gauge = (emittedBy: NomadMetric['emittedBy'], ...names: string[]): NomadMetric[] =>
  names.map((name) => ({ name, type: 'gauge', emittedBy }));
const counter = (emittedBy: NomadMetric['emittedBy'], ...names: string[]): NomadMetric[] =>
  names.map((name) => ({ name, type: 'counter', emittedBy }));
const timer = (emittedBy: NomadMetric['emittedBy'], ...names: string[]): NomadMetric[] =>
  names.map((name) => ({ name, type: 'timer', emittedBy }));

/** The transcribed sections of the metrics reference. */
export const NOMAD_DOCUMENTED_METRICS: readonly NomadMetric[] = [
  // Key metrics (runtime: every agent).
  ...gauge('agent', 'nomad.runtime.alloc_bytes', 'nomad.runtime.heap_objects', 'nomad.runtime.num_goroutines'),
  ...gauge('agent', 'nomad.runtime.sys_bytes', 'nomad.runtime.total_gc_pause_ns', 'nomad.runtime.total_gc_runs'),
  // Key and server metrics: the evaluation broker, blocked evaluations, heartbeats, plans (leader only).
  ...gauge(
    'leader',
    'nomad.nomad.broker.total_pending',
    'nomad.nomad.broker.total_ready',
    'nomad.nomad.broker.total_unacked',
    'nomad.nomad.broker.total_waiting',
    'nomad.nomad.broker.batch_ready',
    'nomad.nomad.broker.service_ready',
    'nomad.nomad.broker.system_ready',
    'nomad.nomad.blocked_evals.total_blocked',
    'nomad.nomad.blocked_evals.total_escaped',
    'nomad.nomad.blocked_evals.total_quota_limit',
    'nomad.nomad.blocked_evals.cpu',
    'nomad.nomad.blocked_evals.memory',
    'nomad.nomad.blocked_evals.job.cpu',
    'nomad.nomad.blocked_evals.job.memory',
    'nomad.nomad.heartbeat.active',
    'nomad.nomad.plan.queue_depth',
  ),
  ...timer(
    'leader',
    'nomad.nomad.broker.wait_time',
    'nomad.nomad.broker.process_time',
    'nomad.nomad.broker.response_time',
    'nomad.nomad.heartbeat.invalidate',
    'nomad.nomad.plan.evaluate',
    'nomad.nomad.plan.apply',
    'nomad.nomad.plan.submit',
    'nomad.nomad.leader.barrier',
    'nomad.nomad.leader.reconcile',
  ),
  ...counter('leader', 'nomad.nomad.plan.node_rejected'),
  ...counter('server', 'nomad.nomad.rpc.query', 'nomad.nomad.rpc.request', 'nomad.nomad.rpc.request_error'),
  ...timer('server', 'nomad.nomad.worker.wait_for_index', 'nomad.nomad.worker.dequeue_eval'),
  // Raft (servers).
  ...counter('server', 'nomad.raft.apply', 'nomad.raft.barrier'),
  ...timer(
    'server',
    'nomad.raft.leader.lastContact',
    'nomad.raft.replication.appendEntries',
    'nomad.raft.commitTime',
    'nomad.raft.fsm.apply',
    'nomad.raft.leader.dispatchLog',
  ),
  ...gauge(
    'server',
    'nomad.raft.appliedIndex',
    'nomad.raft.lastIndex',
    'nomad.raft.commitNumLogs',
    'nomad.raft.leader.dispatchNumLogs',
    'nomad.raft.state.candidate',
    'nomad.raft.state.follower',
    'nomad.raft.state.leader',
    'nomad.raft.transition.heartbeat_timeout',
    'nomad.raft.transition.leader_lease_timeout',
    'nomad.state.snapshotIndex',
  ),
  // Job summary and job status metrics (leader only).
  ...gauge(
    'leader',
    'nomad.nomad.job_summary.complete',
    'nomad.nomad.job_summary.failed',
    'nomad.nomad.job_summary.lost',
    'nomad.nomad.job_summary.unknown',
    'nomad.nomad.job_summary.queued',
    'nomad.nomad.job_summary.running',
    'nomad.nomad.job_summary.starting',
    'nomad.nomad.job_status.dead',
    'nomad.nomad.job_status.pending',
    'nomad.nomad.job_status.running',
  ),
  // Host metrics (clients, with publish_node_metrics).
  ...gauge(
    'client',
    'nomad.client.allocated.cpu',
    'nomad.client.allocated.memory',
    'nomad.client.allocated.disk',
    'nomad.client.allocations.blocked',
    'nomad.client.allocations.migrating',
    'nomad.client.allocations.pending',
    'nomad.client.allocations.running',
    'nomad.client.allocations.start',
    'nomad.client.allocations.terminal',
    'nomad.client.host.cpu.idle',
    'nomad.client.host.cpu.system',
    'nomad.client.host.cpu.total_percent',
    'nomad.client.host.cpu.user',
    'nomad.client.host.disk.available',
    'nomad.client.host.disk.size',
    'nomad.client.host.disk.used',
    'nomad.client.host.disk.used_percent',
    'nomad.client.host.memory.available',
    'nomad.client.host.memory.free',
    'nomad.client.host.memory.total',
    'nomad.client.host.memory.used',
    'nomad.client.tasks.pending',
    'nomad.client.tasks.running',
    'nomad.client.tasks.dead',
    'nomad.client.unallocated.cpu',
    'nomad.client.unallocated.disk',
    'nomad.client.unallocated.memory',
    'nomad.client.uptime',
  ),
  // Allocation metrics (clients, with publish_allocation_metrics).
  ...counter(
    'client',
    'nomad.client.allocs.complete',
    'nomad.client.allocs.failed',
    'nomad.client.allocs.oom_killed',
    'nomad.client.allocs.restart',
    'nomad.client.allocs.running',
  ),
  ...gauge(
    'client',
    'nomad.client.allocs.cpu.allocated',
    'nomad.client.allocs.cpu.system',
    'nomad.client.allocs.cpu.throttled_periods',
    'nomad.client.allocs.cpu.throttled_time',
    'nomad.client.allocs.cpu.total_percent',
    'nomad.client.allocs.cpu.total_ticks',
    'nomad.client.allocs.cpu.user',
    'nomad.client.allocs.memory.allocated',
    'nomad.client.allocs.memory.cache',
    'nomad.client.allocs.memory.max_allocated',
    'nomad.client.allocs.memory.max_usage',
    'nomad.client.allocs.memory.rss',
    'nomad.client.allocs.memory.swap',
    'nomad.client.allocs.memory.usage',
  ),
];

/**
 * The Prometheus name of a Nomad metric: go-metrics' Prometheus sink joins the parts with `_` and
 * keeps their case (`nomad.raft.leader.lastContact` is `nomad_raft_leader_lastContact`).
 */
export function prometheusName(dottedName: string): string {
  return dottedName.replace(/[^a-zA-Z0-9_:]/g, '_');
}

/**
 * The Prometheus series names of every documented metric: a timer is a summary, exposed as the
 * name itself (its quantiles) and `_sum` and `_count`.
 */
export function documentedPrometheusNames(): ReadonlySet<string> {
  const names = new Set<string>();
  for (const metric of NOMAD_DOCUMENTED_METRICS) {
    const name = prometheusName(metric.name);
    names.add(name);
    if (metric.type === 'timer') {
      names.add(`${name}_sum`);
      names.add(`${name}_count`);
    }
  }
  return names;
}
