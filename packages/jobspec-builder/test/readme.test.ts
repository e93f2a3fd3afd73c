import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { Job, JobspecError, Size } from '../src';

const PACKAGE_DIR = join(__dirname, '..');

/** The ```ts blocks of the README, each compiled as its own module against this package's sources. */
function readmeSnippets(): { name: string; code: string }[] {
  const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
  return [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((match, i) => ({
    name: `readme-snippet-${i + 1}.ts`,
    code: match[1] as string,
  }));
}

describe('README examples', () => {
  it('shows the error format exactly as JobspecError prints it', () => {
    const readme = readFileSync(join(PACKAGE_DIR, 'README.md'), 'utf8');
    const shown = /## Errors[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
    const job = new Job({
      id: 'web',
      groups: [
        {
          name: 'web',
          services: [{ name: 'web', port: 'http', provider: 'nomad' }],
          tasks: [
            {
              name: 'app',
              driver: 'docker',
              config: { image: 'nginx:1.27' },
              resources: { memory: Size.mebibytes(4) },
            },
          ],
        },
      ],
    });
    expect(() => job.toHcl()).toThrow(JobspecError);
    let printed = '';
    try {
      job.toHcl();
    } catch (error) {
      printed = String(error);
    }
    expect(`${printed}\n`).toBe(shown);
  });

  const snippets = readmeSnippets();

  it('has the examples the issue asks for', () => {
    expect(snippets.length).toBeGreaterThanOrEqual(5);
  });

  it('compile against the package as users import it', () => {
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      skipLibCheck: true,
      types: ['node'],
      baseUrl: PACKAGE_DIR,
      paths: {
        '@org/jobspec-builder': ['src/index.ts'],
        '@org/jobspec-builder/hcl': ['src/hcl/index.ts'],
      },
    };
    const files = new Map(snippets.map((s) => [join(PACKAGE_DIR, 'test', s.name), s.code]));
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => files.get(file) ?? readFile(file);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => files.has(file) || fileExists(file);
    const program = ts.createProgram([...files.keys()], options, host);
    const diagnostics = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file === undefined || files.has(d.file.fileName))
      .map((d) => {
        const where = d.file
          ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
          : '';
        return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
    expect(diagnostics).toEqual([]);
  });
});
