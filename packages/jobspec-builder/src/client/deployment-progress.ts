import { DEPLOYMENT_TERMINAL_STATUSES, type Deployment } from './types';

/** Where one task group of a deployment stands. */
export interface DeploymentGroupProgress {
  readonly name: string;
  /** Allocations the deployment wants in the end (`DesiredTotal`). */
  readonly desired: number;
  /** Allocations placed so far (`PlacedAllocs`). */
  readonly placed: number;
  /** Placed allocations that passed their health checks (`HealthyAllocs`). */
  readonly healthy: number;
  readonly unhealthy: number;
  readonly desiredCanaries: number;
  readonly placedCanaries: number;
  readonly promoted: boolean;
}

/** A deployment's state, as reported to `onProgress` each time it changes. */
export interface DeploymentProgress {
  readonly deploymentId: string;
  readonly jobId: string;
  readonly jobVersion: number;
  readonly status: string;
  readonly statusDescription: string;
  /** True once `status` is `successful`, `failed` or `cancelled`. */
  readonly terminal: boolean;
  /** Sorted by group name. */
  readonly groups: readonly DeploymentGroupProgress[];
  /** The deployment as Nomad returned it. */
  readonly deployment: Deployment;
}

export function deploymentProgress(deployment: Deployment): DeploymentProgress {
  const groups = Object.entries(deployment.TaskGroups ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(
      ([name, state]): DeploymentGroupProgress => ({
        name,
        desired: state.DesiredTotal ?? 0,
        placed: state.PlacedAllocs ?? 0,
        healthy: state.HealthyAllocs ?? 0,
        unhealthy: state.UnhealthyAllocs ?? 0,
        desiredCanaries: state.DesiredCanaries ?? 0,
        placedCanaries: state.PlacedCanaries?.length ?? 0,
        promoted: state.Promoted === true,
      }),
    );
  return {
    deploymentId: deployment.ID,
    jobId: deployment.JobID,
    jobVersion: deployment.JobVersion,
    status: deployment.Status,
    statusDescription: deployment.StatusDescription,
    terminal: DEPLOYMENT_TERMINAL_STATUSES.includes(deployment.Status),
    groups,
    deployment,
  };
}

/**
 * A deployment's state as text, like `nomad deployment status` prints it:
 *
 * ```text
 * Deployment "85ee4a9a" (job "web" version 1) running: Deployment is running
 * Task Group  Desired  Placed  Healthy  Unhealthy
 * cache       3        2       2        0
 * ```
 *
 * A Canaries column (placed/desired) appears when a group uses canaries.
 */
export function formatDeploymentProgress(progress: DeploymentProgress): string {
  const header = `Deployment "${progress.deploymentId.slice(0, 8)}" (job "${progress.jobId}" version ${progress.jobVersion}) ${
    progress.status
  }${progress.statusDescription ? `: ${progress.statusDescription}` : ''}`;
  if (progress.groups.length === 0) return header;
  const canaries = progress.groups.some((group) => group.desiredCanaries > 0);
  const rows: string[][] = [
    ['Task Group', 'Desired', 'Placed', 'Healthy', 'Unhealthy', ...(canaries ? ['Canaries'] : [])],
    ...progress.groups.map((group) => [
      group.name,
      String(group.desired),
      String(group.placed),
      String(group.healthy),
      String(group.unhealthy),
      ...(canaries ? [`${group.placedCanaries}/${group.desiredCanaries}${group.promoted ? ' promoted' : ''}`] : []),
    ]),
  ];
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0))) ?? [];
  const lines = rows.map((row) =>
    row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd((widths[column] ?? 0) + 2))).join(''),
  );
  return [header, ...lines].join('\n');
}
