import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import * as library from '../../src';
import { applyParserDefaults, parseHcl } from '../../src/import/parse-hcl';
import { toTypeScript } from '../../src/import/to-typescript';
import { cli, corpusFiles, JOBSPECS_DIR, missesAgainst, readText } from './support';

/**
 * Inputs some corpus files need (conformance README): values for variables
 * without a default, and a stand-in for a file that `file()` reads but that is
 * not part of the corpus.
 */
const INPUTS: Record<string, { vars?: Record<string, string>; files?: Record<string, string> }> = {
  'hashicorp_nomad__e2e_secret_input_custom_secret.hcl': { vars: { secret_value: 's3cr3t' } },
  'hashicorp_nomad__e2e_task_schedule_input_schedule.nomad.hcl': { vars: { start: '0 9 * * *', end: '0 17' } },
  'mjm_pi-tools__jobs_backup-tarsnap.nomad': {
    files: { 'backup-tarsnap/prune.sh': '#!/bin/sh\nset -eu\ntarsnap --list-archives | sort\n' },
  },
};

/**
 * Parser test fixtures that Nomad's server rejects too: they exercise one block and
 * leave out what a runnable job needs. `validate` must report exactly that.
 */
const EXPECTED_REJECTIONS: Record<string, { issues: [path: string, code: string][]; why: string }> = {
  'hashicorp_nomad__jobspec2_test-fixtures_template-wait-config.hcl': {
    issues: [
      ['groups[group].tasks[task].driver', 'required'],
      ['groups[group].tasks[task].templates[0]', 'required'],
      ['groups[group].tasks[task].templates[0].destination', 'required'],
    ],
    why:
      'a task without a driver and a template without source or destination ("Missing task driver", (*Template).Validate ' +
      '"Must specify a source path or have an embedded template", "Must specify a destination for the template": ' +
      'structs.go (*Task).Validate reports them together)',
  },
  'hashicorp_nomad__jobspec_test-fixtures_multiregion.hcl': {
    issues: [['groups', 'required']],
    why: 'a job without groups ("Missing job task groups", structs.go (*Job).Validate)',
  },
};

const scratch = mkdtempSync(join(tmpdir(), 'jobspec-corpus-'));

/** The file's path, or a copy beside the stand-in files it reads. */
function inputPath(file: string): string {
  const files = INPUTS[file]?.files;
  if (!files) return join(JOBSPECS_DIR, file);
  const dir = join(scratch, file);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  writeFileSync(join(dir, file), readText(join(JOBSPECS_DIR, file)));
  return join(dir, file);
}

async function importFile(file: string): Promise<library.Job> {
  const path = inputPath(file);
  return parseHcl(readText(path), {
    filename: path,
    baseDir: join(path, '..'),
    vars: INPUTS[file]?.vars ?? {},
    env: {},
  });
}

/** Compiles TypeScript printed by `jobspec import` and runs it against this package's sources. */
function runGeneratedTypeScript(source: string): Record<string, unknown> {
  const diagnostics = typeCheck(source);
  if (diagnostics.length > 0)
    throw new Error(`the generated TypeScript does not compile:\n${diagnostics.join('\n')}\n${source}`);
  const { outputText } = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
  });
  const exports: Record<string, unknown> = {};
  const require = (id: string) => {
    if (id === '@org/jobspec-builder') return library;
    throw new Error(`unexpected import ${id}`);
  };
  new Function('require', 'exports', outputText)(require, exports);
  return exports;
}

const PACKAGE_DIR = join(__dirname, '../..');
const compilerOptions: ts.CompilerOptions = {
  strict: true,
  noEmit: true,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  skipLibCheck: true,
  types: [],
  baseUrl: PACKAGE_DIR,
  paths: { '@org/jobspec-builder': ['src/index.ts'] },
};
const host = ts.createCompilerHost(compilerOptions);
let oldProgram: ts.Program | undefined;

function typeCheck(source: string): string[] {
  const file = join(PACKAGE_DIR, 'test', 'generated-job.ts');
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  const program = ts.createProgram({
    rootNames: [file],
    options: compilerOptions,
    host: {
      ...host,
      readFile: (f) => (f === file ? source : readFile(f)),
      fileExists: (f) => f === file || fileExists(f),
    },
    oldProgram,
  });
  oldProgram = program;
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file?.fileName === file)
    .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

const report: { file: string; problem?: string }[] = [];

describe('the conformance corpus (30 real jobspecs)', () => {
  it('has the 30 files', () => {
    expect(corpusFiles).toHaveLength(30);
  });

  describe.each(corpusFiles)('%s', (file) => {
    const rejection = EXPECTED_REJECTIONS[file];
    it(
      rejection
        ? `is rejected by \`jobspec validate\` as Nomad rejects it: ${rejection.why}`
        : 'passes `jobspec validate` (no false rejection)',
      async () => {
        const vars = Object.entries(INPUTS[file]?.vars ?? {}).flatMap(([k, v]) => ['--var', `${k}=${v}`]);
        const result = await cli(['validate', inputPath(file), ...vars]);
        if (rejection) {
          const issues = (await importFile(file)).validate();
          expect(issues.map((issue) => [issue.path, issue.code])).toEqual(rejection.issues);
          expect(result.code).toBe(1);
          return;
        }
        if (result.code !== 0) report.push({ file, problem: `validate: ${result.stderr.trim()}` });
        expect(result.stderr).toBe('');
        expect(result.code).toBe(0);
      },
    );

    it('renders to HCL that imports back to the same job, and its API JSON reads back unchanged', async () => {
      // Converted as Nomad's parser would, without the server's checks (see the test above).
      const render = { validate: false };
      const job = await importFile(file);
      const again = await parseHcl(job.toHcl(render), { filename: 'rendered.nomad.hcl', env: {} });
      expect(again.props).toEqual(job.props);
      const api = job.toApiJson(render);
      // API JSON cannot tell a Go zero value of a plain field from unset (`Sidecar: false`): both mean the same job.
      const again2 = library.Job.fromApiJson(JSON.parse(JSON.stringify(api))).toApiJson(render);
      expect(missesAgainst(api, again2)).toEqual([]);
      expect(missesAgainst(again2, api)).toEqual([]);
      report.push({ file });
    });

    it('`jobspec import` prints TypeScript that compiles and builds the same job', async () => {
      const job = await importFile(file);
      const exports = runGeneratedTypeScript(toTypeScript(job));
      const [printed] = Object.values(exports) as library.Job[];
      // The printed code leaves out what Nomad's parser fills in by itself: fill it in as Nomad would.
      const built = printed && new library.Job(applyParserDefaults({ ...printed.props }, undefined) as never);
      const render = { validate: false };
      expect(built?.toApiJson(render)).toEqual(job.toApiJson(render));
      expect(built?.toHcl(render)).toBe(job.toHcl(render));
    });
  });

  afterAll(() => {
    const ok = report.filter((r) => !r.problem).length;
    const rejected = Object.entries(EXPECTED_REJECTIONS).map(
      ([f, r]) => `  ${f}: rejected by validate as by Nomad: ${r.why}`,
    );
    const misses = report.filter((r) => r.problem).map((r) => `  ${r.file}: ${r.problem}`);
    console.log(
      `conformance corpus: ${ok}/${corpusFiles.length} files round-trip through HCL and API JSON\n${[...misses, ...rejected].join('\n')}`,
    );
  });
});
