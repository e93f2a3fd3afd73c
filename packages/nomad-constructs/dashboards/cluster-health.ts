import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { NOMAD_CLIENTS_SCRAPE_JOB, NOMAD_SERVERS_SCRAPE_JOB } from '../src/observability/prometheus/alert-rules';
import { graph, newDashboard, row, single } from './panels';

const servers = `job="${NOMAD_SERVERS_SCRAPE_JOB}"`;
const clients = `job="${NOMAD_CLIENTS_SCRAPE_JOB}"`;

/** Cluster health: the servers (raft), the scheduler's queues and the clients' capacity by node pool. */
export function clusterHealthDashboard(): dashboard.Dashboard {
  return newDashboard(
    'nomad-cluster-health',
    'Nomad cluster health',
    "Raft leadership, the scheduler's queues and the client pools' capacity, from the Nomad agents' /v1/metrics.",
  )
    .withRow(row('Servers'))
    .withPanel(
      single({
        title: 'Servers up',
        description: 'Nomad servers whose metrics endpoint answers (Prometheus `up` of the nomad-servers scrape job).',
        unit: 'none',
        queries: [{ expr: `sum(up{${servers}})`, legend: 'servers' }],
      }),
    )
    .withPanel(
      single({
        title: 'Leader',
        description:
          'Servers reporting the leader-only evaluation broker gauge (nomad.nomad.broker.total_ready): 1 when the cluster has a leader, none without.',
        unit: 'none',
        queries: [{ expr: 'count(nomad_nomad_broker_total_ready)', legend: 'leader' }],
      }),
    )
    .withPanel(
      single({
        title: 'Leader elections (1h)',
        description: 'Times a server became a raft candidate in the last hour (nomad.raft.state.candidate).',
        unit: 'none',
        queries: [{ expr: 'sum(increase(nomad_raft_state_candidate[1h]))', legend: 'elections' }],
      }),
    )
    .withPanel(
      single({
        title: 'Clients with a heartbeat',
        description: 'Client nodes whose heartbeat the leader tracks (nomad.nomad.heartbeat.active).',
        unit: 'none',
        queries: [{ expr: 'max(nomad_nomad_heartbeat_active)', legend: 'clients' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Time since leader contact (p90)',
        description:
          'How long ago each follower last heard from the leader, 90th percentile (nomad.raft.leader.lastContact): above 200 ms the cluster is close to an election.',
        unit: 'ms',
        queries: [
          { expr: 'max by (instance) (nomad_raft_leader_lastContact{quantile="0.9"})', legend: '{{instance}}' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Raft commit time (p90)',
        description: 'Time to commit a write to the raft log, 90th percentile (nomad.raft.commitTime).',
        unit: 'ms',
        queries: [{ expr: 'max by (instance) (nomad_raft_commitTime{quantile="0.9"})', legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Server memory (Go heap)',
        description: "Bytes allocated by each server's Go runtime (nomad.runtime.alloc_bytes).",
        unit: 'bytes',
        queries: [{ expr: `nomad_runtime_alloc_bytes{${servers}}`, legend: '{{instance}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'Goroutines',
        description: 'Goroutines of each server, a load indicator (nomad.runtime.num_goroutines).',
        unit: 'none',
        queries: [{ expr: `nomad_runtime_num_goroutines{${servers}}`, legend: '{{instance}}' }],
      }),
    )
    .withRow(row('Scheduling'))
    .withPanel(
      graph({
        title: 'Evaluations',
        description:
          "The evaluation broker's queues (nomad.nomad.broker.*) and the evaluations blocked for lack of capacity (nomad.nomad.blocked_evals.total_blocked).",
        unit: 'none',
        queries: [
          { expr: 'max(nomad_nomad_broker_total_ready)', legend: 'ready' },
          { expr: 'max(nomad_nomad_broker_total_unacked)', legend: 'in progress' },
          { expr: 'max(nomad_nomad_broker_total_pending)', legend: 'pending' },
          { expr: 'max(nomad_nomad_blocked_evals_total_blocked)', legend: 'blocked' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Plan queue depth',
        description: 'Scheduler plans waiting to be applied by the leader (nomad.nomad.plan.queue_depth).',
        unit: 'none',
        queries: [{ expr: 'max(nomad_nomad_plan_queue_depth)', legend: 'plans' }],
      }),
    )
    .withRow(row('Clients'))
    .withPanel(
      graph({
        title: 'Clients up by node pool',
        description:
          'Nomad clients whose metrics endpoint answers, by node pool (Prometheus `up` of the nomad-clients scrape job).',
        unit: 'none',
        queries: [{ expr: `sum by (node_pool) (up{${clients}})`, legend: '{{node_pool}}' }],
      }),
    )
    .withPanel(
      graph({
        title: 'CPU by node pool',
        description:
          'CPU the scheduler has allocated to tasks and CPU still free to allocate, summed over each pool (nomad.client.allocated.cpu, nomad.client.unallocated.cpu).',
        unit: 'MHz',
        queries: [
          { expr: 'sum by (node_pool) (nomad_client_allocated_cpu)', legend: '{{node_pool}} allocated' },
          { expr: 'sum by (node_pool) (nomad_client_unallocated_cpu)', legend: '{{node_pool}} free' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Memory by node pool',
        description:
          'Memory the scheduler has allocated to tasks and memory still free to allocate, summed over each pool (nomad.client.allocated.memory, nomad.client.unallocated.memory).',
        unit: 'decmbytes',
        queries: [
          { expr: 'sum by (node_pool) (nomad_client_allocated_memory)', legend: '{{node_pool}} allocated' },
          { expr: 'sum by (node_pool) (nomad_client_unallocated_memory)', legend: '{{node_pool}} free' },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Host memory used by client',
        description: "Share of each client's memory in use (nomad.client.host.memory.used / .total).",
        unit: 'percentunit',
        queries: [
          {
            expr: 'max by (instance) (nomad_client_host_memory_used) / max by (instance) (nomad_client_host_memory_total)',
            legend: '{{instance}}',
          },
        ],
      }),
    )
    .withPanel(
      graph({
        title: 'Disk used by client',
        description: 'Fullest disk of each client, percent (nomad.client.host.disk.used_percent).',
        unit: 'percent',
        queries: [{ expr: 'max by (instance) (nomad_client_host_disk_used_percent)', legend: '{{instance}}' }],
      }),
    )
    .build();
}
