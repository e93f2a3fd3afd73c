import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DestinationStream } from 'pino';
import type { Config } from './config';
import { type DrainResult, drain } from './drain';
import { Lifecycle } from './lifecycle';
import { createLogger, type Logger } from './logger';
import { HttpMetrics } from './metrics';
import { createHelloWorldServer } from './server';

export interface StartAppOptions {
  readonly config: Config;
  /** Where log lines go. @default - standard output */
  readonly logDestination?: DestinationStream;
}

/** A listening hello-world server and the handles to observe and stop it. */
export interface RunningApp {
  /** The configuration it runs with. */
  readonly config: Config;
  readonly server: Server;
  /** The port it listens on (the one picked by the system when the configured port is 0). */
  readonly port: number;
  readonly logger: Logger;
  readonly lifecycle: Lifecycle;
  readonly metrics: HttpMetrics;
  /**
   * Turns not-ready, keeps answering (with `Connection: close`) for the
   * configured drain window, then stops accepting connections, lets in-flight
   * requests finish and closes what is left at the drain timeout. See {@link drain}.
   */
  stop(): Promise<DrainResult>;
}

/** Creates the server, listens, and turns ready once it accepts connections. */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const { config } = options;
  const logger = createLogger({
    level: config.logLevel,
    instance: config.instance,
    ...(options.logDestination ? { destination: options.logDestination } : {}),
  });
  const lifecycle = new Lifecycle();
  const metrics = new HttpMetrics();
  const server = createHelloWorldServer({ config, logger, metrics, lifecycle });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port: config.port, host: config.host }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  lifecycle.markReady();
  const { port } = server.address() as AddressInfo;
  // Process metrics load prom-client, which takes a tenth of the start-up: they start just after, not before, listening.
  setImmediate(() => void metrics.startProcessMetrics());
  logger.info({ port, startupMs: Math.round(process.uptime() * 1000) }, 'ready to serve');

  let stopping: Promise<DrainResult> | undefined;
  return {
    config,
    server,
    port,
    logger,
    lifecycle,
    metrics,
    stop: () => {
      stopping ??= drain(server, lifecycle, { windowMs: config.drainWindowMs, timeoutMs: config.drainTimeoutMs });
      return stopping;
    },
  };
}
