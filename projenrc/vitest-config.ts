import { FileBase, type IResolver, type Project } from 'projen';

export interface VitestConfigOptions {
  /** Per-test timeout in milliseconds. */
  readonly testTimeoutMs: number;
  /**
   * Whether each test file gets a fresh module registry. Turning it off lets the files of one worker
   * share what they import (aws-cdk-lib takes seconds to load), for packages whose tests neither mock
   * modules nor change globals.
   * @default true
   */
  readonly isolate?: boolean;
  /**
   * Test files run at once. Vitest's default is one less than the CPUs: one worker on a 2-core machine.
   * @default vitest's default
   */
  readonly maxWorkers?: number;
}

/** A package's `vitest.config.mts` (projen ships no vitest component). */
export class VitestConfig extends FileBase {
  constructor(
    project: Project,
    private readonly options: VitestConfigOptions,
  ) {
    super(project, 'vitest.config.mts');
  }

  protected synthesizeContent(_resolver: IResolver): string {
    return [
      `// ${this.marker}`,
      "import { defineConfig } from 'vitest/config';",
      '',
      'export default defineConfig({',
      '  test: {',
      "    include: ['test/**/*.test.ts'],",
      `    testTimeout: ${this.options.testTimeoutMs},`,
      `    hookTimeout: ${this.options.testTimeoutMs},`,
      ...(this.options.isolate === false ? ['    isolate: false,'] : []),
      ...(this.options.maxWorkers !== undefined ? [`    maxWorkers: ${this.options.maxWorkers},`] : []),
      '  },',
      '});',
      '',
    ].join('\n');
  }
}
