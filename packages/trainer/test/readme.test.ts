import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { PACKAGE_DIR } from './support/cli';
import { tempDir } from './support/temp';

/** The ```ts blocks of the README. */
function snippets(): string[] {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);
}

describe('README', () => {
  it('has TypeScript examples that type-check against the package', () => {
    const dir = tempDir('trainer-readme-');
    mkdirSync(join(dir, 'snippets'));
    const files = snippets().map((code, i) => {
      // ES modules, so that examples can use top-level await.
      const file = join(dir, 'snippets', `example-${i}.mts`);
      writeFileSync(file, code);
      return file;
    });
    expect(files.length).toBeGreaterThanOrEqual(2);
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: ['node'],
      typeRoots: [join(PACKAGE_DIR, 'node_modules', '@types'), join(PACKAGE_DIR, '..', '..', 'node_modules', '@types')],
      baseUrl: PACKAGE_DIR,
      // The package's own sources stand in for its build output.
      paths: {
        '@org/trainer': [join(PACKAGE_DIR, 'src', 'index.ts')],
        '@org/jobspec-builder': [require.resolve('@org/jobspec-builder').replace(/\.js$/, '.d.ts')],
      },
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).toEqual([]);
  });
});
