import { FileBase, type IResolver, type Project } from 'projen';

export interface VitestConfigOptions {
  /** Per-test timeout in milliseconds. */
  readonly testTimeoutMs: number;
  /**
   * Test files run at once. Vitest's default is one less than the CPUs: one worker on a 2-core machine.
   * @default vitest's default
   */
  readonly maxWorkers?: number;
  /**
   * Test files to start before all others, slowest first. Vitest starts the files that took longest
   * last time first, but a fresh clone has no such record and starts the largest files first: a long
   * file started last makes the whole run wait for it.
   * @default none
   */
  readonly startFirst?: string[];
}

/** A package's `vitest.config.mts` (projen ships no vitest component). */
export class VitestConfig extends FileBase {
  constructor(
    project: Project,
    private readonly options: VitestConfigOptions,
  ) {
    super(project, 'vitest.config.mts');
    new VitestTmpdirSetup(project);
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [
      `// ${this.marker}`,
      "import { readdirSync, readFileSync } from 'node:fs';",
      "import { fileURLToPath } from 'node:url';",
      "import { configDefaults, defineConfig } from 'vitest/config';",
      ...(this.options.startFirst ? ["import { BaseSequencer, type TestSpecification } from 'vitest/node';"] : []),
      '',
      '// Test files share what they import (aws-cdk-lib and the HCL parser take seconds to load), except',
      '// those that mock a module: a mock applies only to a fresh module registry, so they get one each.',
      "const testDir = fileURLToPath(new URL('test', import.meta.url));",
      "const mocking = readdirSync(testDir, { recursive: true, encoding: 'utf8' })",
      "  .filter((file) => file.endsWith('.test.ts'))",
      "  .filter((file) => /\\bvi\\.(mock|doMock)\\(/.test(readFileSync(`${testDir}/${file}`, 'utf8')))",
      '  .map((file) => `test/${file}`);',
      '',
      ...(this.options.startFirst ? startFirstSequencer(this.options.startFirst) : []),
      'export default defineConfig({',
      '  test: {',
      `    testTimeout: ${this.options.testTimeoutMs},`,
      `    hookTimeout: ${this.options.testTimeoutMs},`,
      ...(this.options.maxWorkers !== undefined ? [`    maxWorkers: ${this.options.maxWorkers},`] : []),
      ...(this.options.startFirst ? ['    sequence: { sequencer: StartFirst },'] : []),
      `    globalSetup: ['./${VitestTmpdirSetup.FILE}'],`,
      '    projects: [',
      '      {',
      '        extends: true,',
      '        test: {',
      "          name: 'shared',",
      "          include: ['test/**/*.test.ts'],",
      '          exclude: [...configDefaults.exclude, ...mocking],',
      '          isolate: false,',
      '        },',
      '      },',
      "      ...(mocking.length > 0 ? [{ extends: true, test: { name: 'isolated', include: mocking } }] : []),",
      '    ],',
      '  },',
      '});',
      '',
    ].join('\n');
  }
}

/** A sequencer that keeps vitest's order but moves the given files to the front, in the given order. */
function startFirstSequencer(files: string[]): string[] {
  return [
    '// The slowest files start first: a fresh clone has no record of durations for vitest to order by.',
    `const START_FIRST = ${JSON.stringify(files).replaceAll('"', "'").replaceAll(',', ', ')};`,
    'class StartFirst extends BaseSequencer {',
    '  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {',
    '    const rank = (spec: TestSpecification) => {',
    '      const index = START_FIRST.findIndex((file) => spec.moduleId.endsWith(`/${file}`));',
    '      return index === -1 ? START_FIRST.length : index;',
    '    };',
    '    return (await super.sort(files)).sort((a, b) => rank(a) - rank(b));',
    '  }',
    '}',
    '',
  ];
}

/**
 * `vitest.tmpdir.mts`, the global setup of every package's tests: the run gets one temporary
 * directory as TMPDIR, for its workers and every process they start, and removes it at the end.
 * Without it each run left thousands of directories in /tmp (a CDK app without an outdir makes
 * one per synthesis), and repeated runs filled the disk.
 */
class VitestTmpdirSetup extends FileBase {
  static readonly FILE = 'vitest.tmpdir.mts';

  constructor(project: Project) {
    super(project, VitestTmpdirSetup.FILE);
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [
      `// ${this.marker}`,
      "import { mkdtempSync, rmSync } from 'node:fs';",
      "import { tmpdir } from 'node:os';",
      "import { join } from 'node:path';",
      '',
      '/** Set to the directory a test run owns; a run inside a test of another run reuses it. */',
      "const OWNED = 'ORG_TEST_TMPDIR';",
      '',
      'export default function setup(): () => void {',
      '  if (process.env[OWNED] !== undefined && process.env[OWNED] === process.env.TMPDIR) return () => {};',
      '  const previous = { TMPDIR: process.env.TMPDIR, [OWNED]: process.env[OWNED] };',
      "  const dir = mkdtempSync(join(tmpdir(), 'vitest-'));",
      '  process.env.TMPDIR = dir;',
      '  process.env[OWNED] = dir;',
      '  return () => {',
      '    for (const [name, value] of Object.entries(previous)) {',
      '      if (value === undefined) delete process.env[name];',
      '      else process.env[name] = value;',
      '    }',
      '    rmSync(dir, { recursive: true, force: true });',
      '  };',
      '}',
      '',
    ].join('\n');
  }
}
