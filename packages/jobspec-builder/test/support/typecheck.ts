import { join } from 'node:path';
import ts from 'typescript';

const PACKAGE_DIR = join(__dirname, '../..');

/**
 * Type-checks in-memory TypeScript files (by name, placed in test/) against this package's sources, imported as
 * users import it (`@org/jobspec-builder`); returns the diagnostics of those files, `file:line message`.
 */
export function typeCheck(sources: ReadonlyMap<string, string>): string[] {
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
  const files = new Map([...sources].map(([name, code]) => [join(PACKAGE_DIR, 'test', name), code]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => files.get(file) ?? readFile(file);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (file) => files.has(file) || fileExists(file);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file === undefined || files.has(d.file.fileName))
    .map((d) => {
      const where = d.file
        ? `${d.file.fileName.split('/').pop()}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}`
        : '';
      return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    });
}
