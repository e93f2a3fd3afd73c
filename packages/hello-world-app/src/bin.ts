#!/usr/bin/env node
import { startApp } from './app';
import { readCommandLine } from './command-line';
import { ConfigError, loadConfig } from './config';
import { EXIT_CONFIG_ERROR } from './defaults';
import { exitOnStopSignals } from './stop-signals';

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
  exitOnStopSignals(starting);

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
