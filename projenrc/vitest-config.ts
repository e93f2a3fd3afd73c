import { FileBase, type IResolver, type Project } from 'projen';

export interface VitestConfigOptions {
  /** Per-test timeout in milliseconds. */
  readonly testTimeoutMs: number;
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
      '  },',
      '});',
      '',
    ].join('\n');
  }
}
