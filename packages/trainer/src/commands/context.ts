import type { Logger } from '../observability/logger';
import type { StorageOptions } from '../storage/stores';
import type { EpochMetrics } from '../training/train-loop';

/** What commands get from their caller (the CLI, or a test or program calling them directly). */
export interface CommandContext {
  readonly logger: Logger;
  readonly storage?: StorageOptions;
  /** Stops training at the next batch boundary, after a checkpoint. */
  readonly signal?: AbortSignal;
  /** Environment, for the Nomad job id that names runs. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Called after each epoch's checkpoint (tests use it to scrape metrics or stop mid-run). */
  readonly onEpoch?: (
    metrics: EpochMetrics,
    run: { readonly runId: string; readonly metricsPort?: number },
  ) => void | Promise<void>;
}
