import type { Job } from '../../../src';
import { nightlyBackup } from './backup-periodic';
import { countDashboard } from './connect-sidecar';
import { nodeExporter } from './node-exporter-system';
import { trainingBatch } from './training-batch';
import { webService } from './web-service';

/** The golden jobs, by file name in test/golden/. */
export const goldenJobs: Readonly<Record<string, Job>> = {
  'web-service': webService,
  'training-batch': trainingBatch,
  'node-exporter-system': nodeExporter,
  'backup-periodic': nightlyBackup,
  'connect-sidecar': countDashboard,
};
