import type { NomadClient } from '@org/jobspec-builder';

/** The outcome of one check: one line for the operator. */
export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  /** What was found (on success) or what is wrong and where to look (on failure). */
  readonly detail: string;
}

/** One check of a deployed reference stack. */
export interface Check {
  readonly name: string;
  run(): Promise<string>;
}

/** A failed check: its message is the line the operator reads. */
export class CheckFailure extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'CheckFailure';
  }
}

/** Runs the checks one after another (later ones rely on earlier ones less than on a cluster at rest). */
export async function runChecks(
  checks: readonly Check[],
  onResult: (result: CheckResult) => void = () => {},
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of checks) {
    let result: CheckResult;
    try {
      result = { name: check.name, ok: true, detail: await check.run() };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { name: check.name, ok: false, detail: message };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

/** `ok   leader: ...` / `FAIL voters: ...`: one line per check. */
export function formatResult(result: CheckResult): string {
  return `${result.ok ? 'ok  ' : 'FAIL'} ${result.name}: ${result.detail}`;
}

/** Nomad's built-in node pools, which no client of the reference cluster joins. */
const BUILT_IN_POOLS = new Set(['all', 'default']);

interface NodeStub {
  readonly ID: string;
  readonly Name?: string;
  readonly NodePool?: string;
  readonly Status?: string;
  readonly SchedulingEligibility?: string;
}

interface JobStub {
  readonly ID: string;
  readonly Type?: string;
  readonly Status?: string;
  readonly ParentID?: string;
  readonly ParameterizedJob?: boolean;
  readonly Periodic?: boolean;
  readonly JobSummary?: { readonly Summary?: Record<string, Record<string, number>> };
}

/** A leader is elected (`GET /v1/status/leader`). */
export function leaderCheck(nomad: NomadClient): Check {
  return {
    name: 'leader',
    async run() {
      const { data } = await nomad.query<string>('/v1/status/leader');
      if (typeof data !== 'string' || data === '') {
        throw new CheckFailure(
          "no leader: the servers have not elected one. Run `nomad server members` and read the servers' logs (log group NomadLogs).",
        );
      }
      return `elected (${data})`;
    },
  };
}

/** Exactly `expected` raft voters (`GET /v1/operator/raft/configuration`). */
export function votersCheck(nomad: NomadClient, expected: number): Check {
  return {
    name: 'voters',
    async run() {
      const { data } = await nomad.query<{ Servers?: Array<{ Node?: string; Voter?: boolean }> }>(
        '/v1/operator/raft/configuration',
      );
      const servers = data.Servers ?? [];
      const voters = servers.filter((server) => server.Voter === true);
      if (voters.length !== expected) {
        throw new CheckFailure(
          `expected ${expected} voters, found ${voters.length} of ${servers.length} raft peers${servers.length > 0 ? ` (${servers.map((server) => `${server.Node ?? '?'}${server.Voter ? '' : ' non-voter'}`).join(', ')})` : ''}. Run \`nomad operator raft list-peers\` and \`nomad operator autopilot health\`.`,
        );
      }
      return `${voters.length} voters (${voters.map((server) => server.Node ?? '?').join(', ')})`;
    },
  };
}

/** Every node pool of the cluster has a ready, eligible client (`GET /v1/node/pools`, `GET /v1/nodes`). */
export function poolsCheck(nomad: NomadClient): Check {
  return {
    name: 'client pools',
    async run() {
      const [{ data: pools }, { data: nodes }] = await Promise.all([
        nomad.query<Array<{ Name: string }> | null>('/v1/node/pools'),
        nomad.query<NodeStub[] | null>('/v1/nodes'),
      ]);
      const names = (pools ?? []).map((pool) => pool.Name).filter((name) => !BUILT_IN_POOLS.has(name));
      if (names.length === 0) {
        throw new CheckFailure(
          'no node pool besides "all" and "default": no client has registered. Read the clients\' boot logs.',
        );
      }
      const counts = names.sort().map((name) => {
        const inPool = (nodes ?? []).filter((node) => node.NodePool === name);
        const ready = inPool.filter((node) => node.Status === 'ready' && node.SchedulingEligibility === 'eligible');
        return { name, ready: ready.length, total: inPool.length };
      });
      const empty = counts.filter((count) => count.ready === 0);
      if (empty.length > 0) {
        throw new CheckFailure(
          `${empty.map((count) => `pool ${count.name} has no ready client (${count.total} registered)`).join('; ')}. Run \`nomad node status\` and look at the pool's Auto Scaling group.`,
        );
      }
      return counts.map((count) => `${count.name} ${count.ready}/${count.total} ready`).join(', ');
    },
  };
}

/**
 * Every registered job is healthy: not dead, its groups running, and a service job's latest
 * deployment successful. Dispatched children of parameterized jobs are the trainer check's business.
 */
export function jobsCheck(nomad: NomadClient): Check {
  return {
    name: 'jobs',
    async run() {
      const { data } = await nomad.query<JobStub[] | null>('/v1/jobs');
      const jobs = (data ?? []).filter((job) => (job.ParentID ?? '') === '').sort((a, b) => a.ID.localeCompare(b.ID));
      if (jobs.length === 0) {
        throw new CheckFailure("no job is registered: the stack's NomadJob resources should have registered them.");
      }
      const problems: string[] = [];
      const healthy: string[] = [];
      for (const job of jobs) {
        if (job.ParameterizedJob === true || job.Periodic === true) {
          if (job.Status === 'dead') {
            problems.push(`${job.ID} is stopped`);
          } else {
            healthy.push(job.ID);
          }
          continue;
        }
        if (job.Status !== 'running') {
          problems.push(`${job.ID} is ${job.Status ?? 'in an unknown state'}`);
          continue;
        }
        const groups = Object.entries(job.JobSummary?.Summary ?? {});
        const notRunning = groups.filter(([, summary]) => (summary.Running ?? 0) === 0).map(([name]) => name);
        if (notRunning.length > 0) {
          problems.push(`${job.ID} has no running allocation in ${notRunning.join(', ')}`);
          continue;
        }
        if (job.Type === 'service') {
          const deployment = await nomad.latestDeployment(job.ID);
          if (deployment !== undefined && deployment.Status !== 'successful') {
            problems.push(
              `${job.ID}'s deployment ${deployment.ID?.slice(0, 8) ?? ''} is ${deployment.Status}${deployment.StatusDescription ? `: ${deployment.StatusDescription}` : ''}`,
            );
            continue;
          }
        }
        healthy.push(job.ID);
      }
      if (problems.length > 0) {
        throw new CheckFailure(`${problems.join('; ')}. Run \`nomad job status <job>\`.`);
      }
      return `${healthy.length} healthy (${healthy.join(', ')})`;
    },
  };
}
