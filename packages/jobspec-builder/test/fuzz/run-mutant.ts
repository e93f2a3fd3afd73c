import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { INTERNAL_ERROR_EXIT, runCli } from '../../src/cli/cli';
import { parseHcl } from '../../src/import/parse-hcl';
import { JOBSPECS_DIR } from '../conformance/support';
import type { CorpusEntry, Mutant } from './mutate';

/** Inputs some corpus files need: values of variables without a default (conformance README). */
const VARS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'hashicorp_nomad__e2e_secret_input_custom_secret.hcl': { secret_value: 's3cr3t' },
  'hashicorp_nomad__e2e_task_schedule_input_schedule.nomad.hcl': { start: '0 9 * * *', end: '0 17' },
};

/** One CLI command run on a mutant. */
export interface RunOutcome {
  readonly command: string;
  readonly code: number;
  readonly ms: number;
  /** jobspec said it failed itself (exit 70, "internal error"): a bug. */
  readonly internal: boolean;
  /** runCli threw, which it must never do. */
  readonly threw?: string;
  /** The first line of stderr, for a report. */
  readonly firstLine: string;
}

/** A directory to write mutants in, with the file one corpus job reads with file(). */
export function fuzzDirectory(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobspec-fuzz-'));
  mkdirSync(join(dir, 'backup-tarsnap'));
  writeFileSync(join(dir, 'backup-tarsnap', 'prune.sh'), '#!/bin/sh\ntarsnap --list-archives\n');
  return dir;
}

/** The conformance corpus, each file with its API JSON where it converts as it is. */
export async function loadCorpus(): Promise<CorpusEntry[]> {
  const dir = fuzzDirectory();
  const names = readdirSync(JOBSPECS_DIR)
    .filter((name) => name !== 'SOURCES.tsv')
    .sort();
  const corpus: CorpusEntry[] = [];
  for (const name of names) {
    const hcl = readFileSync(join(JOBSPECS_DIR, name), 'utf8');
    let apiJson: unknown;
    try {
      const job = await parseHcl(hcl, { filename: name, vars: VARS[name] ?? {}, env: {}, baseDir: dir });
      apiJson = job.toApiJson({ validate: false });
    } catch {
      apiJson = undefined;
    }
    corpus.push({ name, hcl, ...(apiJson === undefined ? {} : { apiJson }) });
  }
  return corpus;
}

/**
 * Runs `validate`, `convert` both ways and `import` (HCL only) on a mutant, in this process, as `jobspec` would:
 * the file is written to `dir`, so that its file() and fileset() calls resolve there.
 */
export async function runMutant(mutant: Mutant, dir: string): Promise<RunOutcome[]> {
  const path = join(dir, mutant.name);
  writeFileSync(path, mutant.text);
  const commands = [['validate'], ['convert', '--to', 'api-json'], ['convert', '--to', 'hcl']];
  if (!mutant.name.endsWith('.json')) commands.push(['import']);
  const outcomes: RunOutcome[] = [];
  for (const command of commands) {
    let stderr = '';
    const io = {
      stdout: () => undefined,
      stderr: (text: string) => {
        if (stderr.length < 4096) stderr += text;
      },
      env: {},
      cwd: dir,
    };
    const [verb, ...options] = command as [string, ...string[]];
    const start = performance.now();
    let code = -1;
    let threw: string | undefined;
    try {
      code = await runCli([verb, mutant.name, ...options], io);
    } catch (error) {
      threw = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    outcomes.push({
      command: command.join(' '),
      code,
      ms: performance.now() - start,
      internal: code === INTERNAL_ERROR_EXIT || /internal error/.test(stderr),
      ...(threw === undefined ? {} : { threw }),
      firstLine:
        stderr
          .split('\n')
          .find((line) => line.trim() !== '')
          ?.slice(0, 300) ?? '',
    });
  }
  return outcomes;
}
