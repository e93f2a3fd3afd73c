import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DASHBOARDS_DIR } from '../src/observability/grafana/grafana-provisioning';
import { dashboardFile, dashboards } from './index';

// `npx projen dashboards`: rewrites assets/grafana/dashboards/ from dashboards/*.ts. Never edit the JSON by hand.
mkdirSync(DASHBOARDS_DIR, { recursive: true });
const files = dashboards().map(dashboardFile);
for (const stale of readdirSync(DASHBOARDS_DIR)) {
  if (!files.some((file) => file.fileName === stale)) {
    rmSync(join(DASHBOARDS_DIR, stale));
  }
}
for (const file of files) {
  writeFileSync(join(DASHBOARDS_DIR, file.fileName), file.json);
  console.log(`wrote assets/grafana/dashboards/${file.fileName}`);
}
