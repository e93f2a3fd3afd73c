import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatIssues, JobspecError, JobspecInternalError, pathWithin } from '../errors';
import { toTypeScript } from '../import/to-typescript';
import type { Job } from '../job';
import { planCommand, resolveTimeout, runCommand } from './deploy';
import { InputError, parseVars, readJobFile, readJobFileLeniently, UsageError } from './input';
import { loadJobs } from './load-module';
import { writeFileAtomic } from './write-file';

/** Where the CLI writes and what it reads from its environment, so tests can run it in-process. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export const USAGE = `Usage: jobspec <command> [options]

Commands:
  convert <file> --to hcl|api-json [--var name=value]...   Convert an HCL jobspec or API JSON job
  validate <file> [--var name=value]...                   Check a job the way Nomad's server would: every
                                                          problem, with its file:line:column
  render <module> [--export name] --to hcl|api-json [--out dir]
                                                          Render the jobs a JS/TS module exports
  import <file.hcl> [--var name=value]...                 Print TypeScript that builds the job
  plan <file> [--timeout 5m] [--var name=value]...        Show what 'run' would change (NOMAD_ADDR)
  run <file> [--detach] [--timeout 5m] [--var name=value]...
                                                          Register the job and follow its deployment

Input files are HCL jobspecs (.hcl, .nomad) or API JSON (.json). --help prints this text, --version the version.
Variables, as nomad job run takes them: --var name=value, --var-file vars.hcl|vars.json (repeatable; -var and
-var-file work too), NOMAD_VAR_<name>.
Nomad connection: NOMAD_ADDR, NOMAD_TOKEN, NOMAD_NAMESPACE, NOMAD_REGION, NOMAD_CACERT,
NOMAD_CLIENT_CERT, NOMAD_CLIENT_KEY, NOMAD_TLS_SERVER_NAME, NOMAD_SKIP_VERIFY.
plan and run give up after --timeout (or JOBSPEC_TIMEOUT), a duration such as 90s or 10m: every request,
retry and the deployment wait included (default: no limit, 60 s per request). Progress goes to stderr.
`;

/** Exit code of a failure of jobspec itself (a bug), as sysexits' EX_SOFTWARE. */
export const INTERNAL_ERROR_EXIT = 70;

/** Runs one command; returns the exit code (0 ok, 1 problems found or failed, 2 usage error, 70 a bug). Never throws. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(nomadStyleFlags(argv), io);
  } catch (error) {
    return report(error, io);
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (values.version) {
    io.stdout(`${packageVersion()}\n`);
    return 0;
  }
  if (command === undefined && !values.help) {
    // Nothing asked for: the usage is an error message here, not output.
    io.stderr(USAGE);
    return 2;
  }
  if (values.help || command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  const vars = parseVars(values.var ?? []);
  const inputs = { vars, varFiles: (values['var-file'] ?? []).map((path) => resolve(io.cwd, path)), env: io.env };
  const file = () => {
    const [path, ...extra] = args;
    if (path === undefined) throw new UsageError(`${command} needs a file`);
    if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
    return resolve(io.cwd, path);
  };
  const format = (): 'hcl' | 'api-json' => {
    if (values.to !== 'hcl' && values.to !== 'api-json') {
      throw new UsageError(`--to must be hcl or api-json${values.to === undefined ? '' : `, received "${values.to}"`}`);
    }
    return values.to;
  };
  switch (command) {
    case 'convert': {
      // Like `nomad job run -output`: convert what the parser reads, and leave the server's
      // checks to `validate` (reported here as warnings, so nothing is hidden).
      const to = format();
      const job = await readJobFile(file(), inputs);
      const output = renderJob(job, to, false);
      const issues = job.validate();
      if (issues.length > 0) io.stderr(`warning: Nomad's server would reject this job.\n${formatIssues(issues)}\n`);
      io.stdout(output);
      return 0;
    }
    case 'validate': {
      // Every problem at once: what reading the file found, then Nomad's rules on what could be read.
      const { job, issues } = await readJobFileLeniently(file(), inputs);
      const read = issues.map((issue) => issue.path);
      const rules = (job?.validate() ?? []).filter((issue) => !read.some((path) => pathWithin(issue.path, path)));
      if (issues.length + rules.length > 0 || !job) throw new JobspecError([...issues, ...rules]);
      io.stdout(`${String(job.props.id)}: valid\n`);
      return 0;
    }
    case 'render': {
      const to = format();
      const [module, ...extra] = args;
      if (module === undefined) throw new UsageError('render needs a module (.js, .mjs, .cjs or .ts)');
      if (extra.length > 0) throw new UsageError(`unexpected arguments: ${extra.join(' ')}`);
      const jobs = await loadJobs(module, values.export, io.cwd);
      // Validate every job before writing any file, so a bad job leaves earlier outputs untouched.
      const rendered = [...jobs].map(([name, job]) => ({ name, id: String(job.props.id), text: renderJob(job, to) }));
      if (values.out === undefined) {
        io.stdout(rendered.map((r) => r.text).join(to === 'hcl' ? '\n' : ''));
        return 0;
      }
      const outDir = resolve(io.cwd, values.out);
      for (const { id, text } of rendered) {
        const path = join(outDir, `${id}${to === 'hcl' ? '.nomad.hcl' : '.json'}`);
        await writeFileAtomic(path, text);
        io.stderr(`wrote ${path}\n`);
      }
      return 0;
    }
    case 'import': {
      const job = await readJobFile(file(), inputs);
      io.stdout(toTypeScript(job));
      return 0;
    }
    case 'plan': {
      const timeout = resolveTimeout(values.timeout, io.env);
      return planCommand(await readJobFile(file(), inputs), { timeout }, io);
    }
    case 'run': {
      const timeout = resolveTimeout(values.timeout, io.env);
      return runCommand(await readJobFile(file(), inputs), { detach: values.detach ?? false, timeout }, io);
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      to: { type: 'string' },
      var: { type: 'string', multiple: true },
      'var-file': { type: 'string', multiple: true },
      export: { type: 'string' },
      out: { type: 'string' },
      detach: { type: 'boolean' },
      timeout: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      version: { type: 'boolean' },
    },
  });
}

/** The version of this package, from the package.json beside the compiled code. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string };
  return manifest.version;
}

function renderJob(job: Job, to: 'hcl' | 'api-json', validate = true): string {
  return to === 'hcl' ? job.toHcl({ validate }) : `${JSON.stringify(job.toApiJson({ validate }), null, 2)}\n`;
}

/** Prints an error for people: every issue with its location, path and fix; never a stack trace. */
function report(error: unknown, io: CliIo): number {
  if (error instanceof UsageError) {
    io.stderr(`jobspec: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (error instanceof InputError) {
    io.stderr(`jobspec: ${error.message}\n`);
    return 2;
  }
  if (error instanceof JobspecError) {
    io.stderr(`${formatIssues(error.issues)}\n`);
    return 1;
  }
  if (error instanceof JobspecInternalError || isEngineError(error)) {
    // Never passed off as a problem in the job: a TypeError or a stack overflow here is a bug to report.
    const internal =
      error instanceof JobspecInternalError ? error : new JobspecInternalError('running the command', error);
    io.stderr(`jobspec: ${internal.message}\n`);
    return INTERNAL_ERROR_EXIT;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`jobspec: ${message}\n`);
  return 1;
}

/** What the JavaScript engine throws, which no command throws on purpose. */
function isEngineError(error: unknown): boolean {
  return (
    error instanceof TypeError ||
    error instanceof RangeError ||
    error instanceof ReferenceError ||
    error instanceof SyntaxError ||
    error instanceof EvalError ||
    error instanceof URIError
  );
}

/** Nomad's single-dash flags (`-var name=value`, `-var-file=vars.hcl`) as this CLI's double-dash ones. */
function nomadStyleFlags(argv: readonly string[]): string[] {
  return argv.map((arg) => (/^-(var|var-file)(=|$)/.test(arg) ? `-${arg}` : arg));
}
