#!/usr/bin/env node
import { startApp } from './app';
import { readCommandLine } from './command-line';
import { ConfigError, loadConfig } from './config';
import { EXIT_CONFIG_ERROR } from './defaults';

/**
 * The `hello-world-app` command: configuration from the environment, then the
 * server until SIGTERM (Nomad, Docker) or SIGINT (Ctrl-C) drains and stops it.
 */
async function main(): Promise<void> {
  const answer = readCommandLine(process.argv.slice(2));
  if (answer !== undefined) {
    if (answer.stdout !== undefined) process.stdout.write(answer.stdout);
    if (answer.stderr !== undefined) process.stderr.write(answer.stderr);
    process.exitCode = answer.code;
    return;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`hello-world-app: ${error.message}\n`);
      process.exit(EXIT_CONFIG_ERROR);
    }
    throw error;
  }

  // Signal handlers go in before the server listens, so that a stop during start-up drains too.
  const starting = startApp({ config });
  let draining = false;
  const onSignal = async (signal: NodeJS.Signals) => {
    const app = await starting;
    const { logger } = app;
    if (draining) {
      // A second signal (Ctrl-C twice) means: stop waiting.
      logger.warn({ signal }, 'second stop signal: exiting without waiting for the drain');
      logger.flush(() => process.exit(1));
      return;
    }
    draining = true;
    logger.info({ signal, drainTimeoutMs: config.drainTimeoutMs }, 'draining');
    const result = await app.stop();
    if (result.outcome === 'drained') {
      logger.info({ durationMs: Math.round(result.durationMs) }, 'drained, exiting');
    } else {
      logger.warn(
        { durationMs: Math.round(result.durationMs), connections: result.connectionsClosedAtDeadline },
        'drain deadline reached, closed the remaining connections',
      );
    }
    logger.flush(() => process.exit(result.outcome === 'drained' ? 0 : 1));
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const { logger } = await starting;
  // Crashes are logged as JSON like everything else; node still exits as it would.
  process.on('uncaughtExceptionMonitor', (error, origin) => {
    logger.fatal({ err: error, origin }, 'crashed');
    logger.flush();
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`hello-world-app: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
