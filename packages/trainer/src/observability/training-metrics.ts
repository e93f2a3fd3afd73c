import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Pushgateway, Registry } from 'prom-client';
import type { BatchProgress, EpochMetrics } from '../training/train-loop';

/** A running metrics endpoint. */
export interface MetricsServer {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * The Prometheus metrics of one training run, in a registry of its own: served on
 * `/metrics` while the run goes on, and pushed to a Pushgateway at the end for
 * jobs too short to be scraped.
 */
export class TrainingMetrics {
  readonly registry = new Registry();
  private readonly epochsCompleted: Gauge;
  private readonly loss: Gauge;
  private readonly accuracy: Gauge;
  private readonly testAccuracy: Gauge;
  private readonly rowsPerSecond: Gauge;
  private readonly rowsTrained: Counter;
  private readonly lastCheckpoint: Gauge;

  constructor(
    readonly runId: string,
    model: string,
    epochs: number,
  ) {
    const registers = [this.registry];
    new Gauge({
      name: 'trainer_run_info',
      help: 'The training run: always 1, with the run id and model kind as labels',
      labelNames: ['run_id', 'model'],
      registers,
    }).set({ run_id: runId, model }, 1);
    new Gauge({ name: 'trainer_epochs', help: 'Epochs the run trains for', registers }).set(epochs);
    this.epochsCompleted = new Gauge({ name: 'trainer_epochs_completed', help: 'Epochs completed', registers });
    this.loss = new Gauge({
      name: 'trainer_loss',
      help: 'Mean training cross-entropy of the current epoch so far',
      registers,
    });
    this.accuracy = new Gauge({
      name: 'trainer_accuracy',
      help: 'Training accuracy of the current epoch so far',
      registers,
    });
    this.testAccuracy = new Gauge({
      name: 'trainer_test_accuracy',
      help: 'Accuracy on the test rows after the last completed epoch',
      registers,
    });
    this.rowsPerSecond = new Gauge({
      name: 'trainer_rows_per_second',
      help: 'Training throughput in the current epoch',
      registers,
    });
    this.rowsTrained = new Counter({
      name: 'trainer_rows_trained_total',
      help: 'Rows trained on, all epochs',
      registers,
    });
    this.lastCheckpoint = new Gauge({
      name: 'trainer_last_checkpoint_timestamp_seconds',
      help: 'When the last checkpoint was written (Unix time)',
      registers,
    });
  }

  onBatch(progress: BatchProgress): void {
    this.loss.set(progress.loss);
    this.accuracy.set(progress.accuracy);
    this.rowsPerSecond.set(progress.rowsPerSecond);
    this.rowsTrained.inc(progress.rows);
  }

  onEpoch(metrics: EpochMetrics): void {
    this.epochsCompleted.set(metrics.epoch);
    if (metrics.testAccuracy !== undefined) this.testAccuracy.set(metrics.testAccuracy);
  }

  /** A resumed run starts from the checkpoint's epoch count. */
  setEpochsCompleted(epochs: number): void {
    this.epochsCompleted.set(epochs);
  }

  onCheckpoint(): void {
    this.lastCheckpoint.set(Date.now() / 1000);
  }

  /** Serves `/metrics` on `port` (0 picks a free port). */
  async serve(port: number, host: string): Promise<MetricsServer> {
    const server: Server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end('not found: try /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: Error) => response.writeHead(500).end(error.message),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return {
      port: (server.address() as AddressInfo).port,
      close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    };
  }

  /** Pushes every metric to a Pushgateway, grouped by job `trainer` and this run's id. */
  async push(url: string): Promise<void> {
    await new Pushgateway(url, {}, this.registry).pushAdd({ jobName: 'trainer', groupings: { run_id: this.runId } });
  }
}
