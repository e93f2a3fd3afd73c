import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { clusterHealthDashboard } from './cluster-health';
import { helloWorldDashboard } from './hello-world';
import { jobResourcesDashboard } from './job-resources';
import { jobsAndAllocationsDashboard } from './jobs-allocations';
import { trainerDashboard } from './trainer';

/** Every shipped dashboard, in the order the README lists them. */
export function dashboards(): dashboard.Dashboard[] {
  return [
    clusterHealthDashboard(),
    jobsAndAllocationsDashboard(),
    jobResourcesDashboard(),
    helloWorldDashboard(),
    trainerDashboard(),
  ].map(numberPanels);
}

/**
 * Gives every panel (rows included) its id, 1, 2, ... in order: Grafana links and embeds panels by
 * id, so ids must be unique and stable (the builders leave them unset, or 0 for rows).
 */
function numberPanels(built: dashboard.Dashboard): dashboard.Dashboard {
  return { ...built, panels: (built.panels ?? []).map((panel, index) => ({ ...panel, id: index + 1 })) };
}

/** A dashboard's file: `<uid>.json`, deterministic JSON. */
export function dashboardFile(built: dashboard.Dashboard): { fileName: string; json: string } {
  return { fileName: `${built.uid}.json`, json: `${JSON.stringify(built, null, 2)}\n` };
}
