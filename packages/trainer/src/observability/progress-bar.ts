import type { BatchProgress } from '../training/train-loop';

/** The part of a TTY stream the progress bar uses. */
export interface TerminalStream {
  write(text: string): unknown;
  readonly columns?: number;
}

/** Redraws at most this often: a terminal cannot show more, and drawing costs time. */
const REDRAW_INTERVAL_MS = 100;

/**
 * A one-line progress bar for interactive terminals, redrawn in place:
 * `epoch 3/20 [########--------] 52% loss 0.4121 acc 0.871 1,234,567 rows/s`.
 */
export class ProgressBar {
  private lastDraw = Number.NEGATIVE_INFINITY;
  private visible = false;

  constructor(
    private readonly stream: TerminalStream,
    private readonly now: () => number = () => performance.now(),
  ) {}

  update(progress: BatchProgress): void {
    const done = progress.batch === progress.batches;
    const time = this.now();
    if (!done && time - this.lastDraw < REDRAW_INTERVAL_MS) return;
    this.lastDraw = time;
    this.stream.write(`\r\x1b[2K${renderProgress(progress, this.stream.columns ?? 80)}`);
    this.visible = true;
  }

  /** Erases the bar, so that a log line can be written on a clean line. */
  clear(): void {
    if (!this.visible) return;
    this.stream.write('\r\x1b[2K');
    this.visible = false;
  }
}

/** The bar's text, fitted to `columns`. */
export function renderProgress(progress: BatchProgress, columns: number): string {
  const fraction = progress.batch / progress.batches;
  const prefix = `epoch ${progress.epoch}/${progress.epochs} `;
  const suffix = ` ${Math.floor(fraction * 100)
    .toString()
    .padStart(3)}% loss ${progress.loss.toFixed(4)} acc ${progress.accuracy.toFixed(3)} ${Math.round(
    progress.rowsPerSecond,
  ).toLocaleString('en-US')} rows/s`;
  const width = Math.max(10, Math.min(40, columns - prefix.length - suffix.length - 3));
  const filled = Math.round(fraction * width);
  return `${prefix}[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]${suffix}`.slice(0, Math.max(columns - 1, 20));
}
