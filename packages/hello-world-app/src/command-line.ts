import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFIG_VARIABLES } from './config';

/** What the command prints and its exit code, when the arguments ask for something other than serving. */
export interface CommandLineAnswer {
  readonly code: number;
  readonly stdout?: string;
  readonly stderr?: string;
}

export function usage(): string {
  return [
    'Usage: hello-world-app [--help] [--version]',
    '',
    'Serves the sample web service until SIGTERM or SIGINT, then drains and exits.',
    'Routes: GET / (greeting), /health (liveness), /ready (readiness), /metrics (Prometheus).',
    'Configuration comes from the environment (see the package README for each default):',
    `  ${CONFIG_VARIABLES.join(', ')}`,
    '',
  ].join('\n');
}

/** The package version, from the package.json beside the compiled code. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

/**
 * Reads the command-line arguments: `undefined` means serve (no arguments); `--help` and `--version`
 * answer on stdout; anything else is a usage error (exit 2), since the service takes its settings from
 * the environment only.
 */
export function readCommandLine(argv: readonly string[]): CommandLineAnswer | undefined {
  if (argv.length === 0) return undefined;
  const [first] = argv;
  if (argv.length === 1 && (first === '--help' || first === '-h')) return { code: 0, stdout: usage() };
  if (argv.length === 1 && first === '--version') return { code: 0, stdout: `${version()}\n` };
  return {
    code: 2,
    stderr: `hello-world-app: unexpected argument ${JSON.stringify(first)}: settings come from environment variables\n\n${usage()}`,
  };
}
