import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NomadError } from '../../errors';

/**
 * Grafana's provisioning files: the Prometheus data source and the dashboard provider that loads
 * the dashboards this package ships (generated from TypeScript with Grafana's foundation SDK by
 * `npx projen dashboards`, into `assets/grafana/dashboards/`).
 *
 * @see https://grafana.com/docs/grafana/latest/administration/provisioning/
 */

/** The UID of the provisioned Prometheus data source: every shipped dashboard queries it. */
export const PROMETHEUS_DATASOURCE_UID = 'prometheus';

/** The Grafana folder the shipped dashboards are provisioned into. */
export const DASHBOARD_FOLDER = 'Nomad';

/** Where the generated dashboards are in the package, relative to this module (`src/...` or `lib/...`). */
export const DASHBOARDS_DIR = join(__dirname, '..', '..', '..', 'assets', 'grafana', 'dashboards');

/**
 * The data source file. `url` is Prometheus's address, which may be a Nomad template expression
 * (the Grafana job renders it from Nomad's service catalog).
 */
export function grafanaDatasourceFile(url: string, scrapeInterval: string): string {
  const file = {
    apiVersion: 1,
    datasources: [
      {
        name: 'Prometheus',
        type: 'prometheus',
        uid: PROMETHEUS_DATASOURCE_UID,
        access: 'proxy',
        url,
        isDefault: true,
        editable: false,
        jsonData: { timeInterval: scrapeInterval, httpMethod: 'POST' },
      },
    ],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** The dashboard provider file: every JSON file under `path`, read-only in the UI. */
export function grafanaDashboardProviderFile(path: string): string {
  const file = {
    apiVersion: 1,
    providers: [
      {
        name: 'nomad-constructs',
        orgId: 1,
        folder: DASHBOARD_FOLDER,
        type: 'file',
        disableDeletion: true,
        allowUiUpdates: false,
        updateIntervalSeconds: 60,
        options: { path, foldersFromFilesStructure: false },
      },
    ],
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** A shipped dashboard: its file name and JSON text. */
export interface GrafanaDashboardFile {
  readonly fileName: string;
  readonly json: string;
}

/** The dashboards shipped in the package, sorted by file name. */
export function shippedDashboards(directory: string = DASHBOARDS_DIR): GrafanaDashboardFile[] {
  if (!existsSync(directory)) {
    throw new NomadError(
      'invalid-state',
      directory,
      'expected the Grafana dashboards shipped in the package under assets/grafana/dashboards/, received a missing directory. Reinstall @org/nomad-constructs.',
    );
  }
  return readdirSync(directory)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((fileName) => ({ fileName, json: readFileSync(join(directory, fileName), 'utf8') }));
}
