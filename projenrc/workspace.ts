import { javascript, TextFile, typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { VitestConfig, type VitestConfigOptions } from './vitest-config';
import { workspaceDependency } from './workspace-deps';

/** The npm scope every package of this repository is published under. */
export const SCOPE = '@org';

/** Full npm name of a package of this repository, e.g. `@org/trainer`. */
export function packageName(dirName: string): string {
  return `${SCOPE}/${dirName}`;
}

export interface WorkspacePackageOptions {
  /** Directory name under `packages/`, also the unscoped npm name. */
  readonly dirName: string;
  readonly description: string;
  /** Private packages are never published and skip the packaging checks. @default false */
  readonly private?: boolean;
  readonly deps?: string[];
  readonly devDeps?: string[];
  readonly peerDeps?: string[];
  /** Workspace packages this one depends on at runtime. */
  readonly workspaceDeps?: typescript.TypeScriptProject[];
  /**
   * Executables shipped by the package: bin name -> the compiled module under `lib/` that runs the
   * command when loaded, or `{ module, run }` for a module that exports a `run(argv)` function
   * resolving to the exit code. Each gets a committed launcher `bin/<name>` (see {@link addBinLaunchers}).
   */
  readonly bin?: Record<string, string | BinEntry>;
  /** Extra paths (relative to the package) shipped in the npm tarball besides `lib`. */
  readonly extraFiles?: string[];
  /** Entry points besides the main one: subpath (`./hcl`) -> module under `src/` without extension (`hcl/index`). */
  readonly subpathExports?: Record<string, string>;
  /**
   * Per-test (and per-hook) timeout for vitest: a guard against a hung test, never a speed check, so it is
   * generous enough for a busy 2-core CI machine with its CPUs saturated.
   * @default 300_000
   */
  readonly testTimeoutMs?: number;
  /** How vitest schedules the package's test files (workers, files started first). @default vitest's defaults */
  readonly vitest?: Pick<VitestConfigOptions, 'maxWorkers' | 'startFirst'>;
}

/**
 * Creates one package of the monorepo with the options every package shares:
 * strict TypeScript compiled to `lib/` as Node16 CommonJS with declarations and
 * source maps, vitest for tests, Biome plus a test type-check for lint, and
 * publint + arethetypeswrong for the packaging of published packages.
 */
export function createWorkspacePackage(root: Root, options: WorkspacePackageOptions): typescript.TypeScriptProject {
  const name = packageName(options.dirName);
  const project = new typescript.TypeScriptProject({
    parent: root.project,
    outdir: `packages/${options.dirName}`,
    name,
    packageName: name,
    description: options.description,
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    minNodeVersion: VERSIONS.node,
    typescriptVersion: VERSIONS.typescript,
    licensed: true,
    license: 'Apache-2.0',
    copyrightOwner: 'The nomad-on-aws authors',
    authorName: 'The nomad-on-aws authors',
    repository: 'https://github.com/org/nomad-on-aws.git',
    repositoryDirectory: `packages/${options.dirName}`,
    deps: [...(options.workspaceDeps ?? []).map(workspaceDependency), ...(options.deps ?? [])],
    devDeps: [`@types/node@${VERSIONS.typesNode}`, `vitest@${VERSIONS.vitest}`, ...(options.devDeps ?? [])],
    peerDeps: options.peerDeps,
    // Peer ranges stay ranges; the exact versions we build with are listed in devDeps.
    peerDependencyOptions: { pinnedDevDependency: false },
    bin: Object.fromEntries(Object.keys(options.bin ?? {}).map((name) => [name, `bin/${name}`])),
    // Everything below is done once for the whole workspace, or by our own tasks.
    jest: false,
    eslint: false,
    prettier: false,
    release: false,
    github: false,
    depsUpgrade: false,
    buildWorkflow: false,
    pullRequestTemplate: false,
    sampleCode: false,
    projenrcJson: false,
    npmignoreEnabled: false,
    readme: { contents: `# ${name}\n\n${options.description}\n` },
    tsconfig: {
      compilerOptions: {
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'nodenext',
        moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
        declaration: true,
        declarationMap: true,
        sourceMap: true,
        inlineSourceMap: false,
        inlineSources: true,
        esModuleInterop: true,
        skipLibCheck: true,
        strict: true,
        noUncheckedIndexedAccess: true,
        noImplicitOverride: true,
        experimentalDecorators: false,
        resolveJsonModule: true,
      },
    },
  });

  root.install.addPackage(project);
  if (options.private) {
    project.package.addField('private', true);
  } else {
    project.package.addField('publishConfig', { access: 'public' });
  }
  const entryPoint = (module: string) => ({ types: `./lib/${module}.d.ts`, default: `./lib/${module}.js` });
  project.package.addField('exports', {
    '.': entryPoint('index'),
    ...Object.fromEntries(
      Object.entries(options.subpathExports ?? {}).map(([path, module]) => [path, entryPoint(module)]),
    ),
    './package.json': './package.json',
  });
  addBinLaunchers(project, options.bin ?? {});
  project.package.addField('files', [
    'lib',
    '!lib/**/*.tsbuildinfo',
    // Declaration maps point at src/*.ts, which is not shipped (the .js.map files carry their sources).
    '!lib/**/*.d.ts.map',
    ...(options.bin ? ['bin'] : []),
    ...(options.extraFiles ?? []),
  ]);
  project.gitignore.exclude('/coverage/', '*.tsbuildinfo', '/cdk.out/', '/.nx/');

  new VitestConfig(project, { testTimeoutMs: options.testTimeoutMs ?? 300_000, ...options.vitest });
  project.testTask.reset('vitest run');
  project.addTask('test:watch', { exec: 'vitest' });
  project.addTask('lint', {
    description: 'Type-check sources and tests, then lint and format-check with Biome',
    steps: [{ exec: `tsc --noEmit -p ${project.tsconfigDev.fileName}` }, { exec: 'biome check --error-on-warnings .' }],
  });
  if (!options.private) {
    project.addTask('check-package', {
      description: 'Check the npm package as users get it (publint, arethetypeswrong)',
      steps: [{ exec: 'publint --strict' }, { exec: 'attw --pack . --profile node16' }],
    });
  }
  return project;
}

/** A command whose compiled module exports a function that runs it. */
export interface BinEntry {
  /** The compiled module under `lib/`, e.g. `lib/cli/main.js`. */
  readonly module: string;
  /** The exported function taking the command-line arguments and resolving to the exit code. */
  readonly run: string;
}

/**
 * Writes `bin/<name>` for every executable: a small launcher that loads the compiled module.
 * npm links a workspace's `bin` only if its target exists when it installs, and `lib/` is built
 * after `npm ci`: a committed launcher is there at install time, so `npx --no-install <name>` finds
 * the local command and never looks the unscoped name up in the public registry. When `lib/` is
 * not built yet it says how to build it instead of failing with a stack trace.
 */
function addBinLaunchers(project: typescript.TypeScriptProject, bins: Record<string, string | BinEntry>): void {
  for (const [name, entry] of Object.entries(bins)) {
    const { module, run } = typeof entry === 'string' ? { module: entry, run: undefined } : entry;
    if (!module.startsWith('lib/') || !module.endsWith('.js')) {
      throw new Error(`bin ${name}: expected a compiled module under lib/ ending in .js, received "${module}"`);
    }
    const file = new TextFile(project, `bin/${name}`, { executable: true, committed: true, readonly: true });
    const pathParts = module
      .split('/')
      .map((part) => `'${part}'`)
      .join(', ');
    const lines = [
      '#!/usr/bin/env node',
      `// ${file.marker}`,
      `// The \`${name}\` command: loads the compiled ${module} (npm links this file at install time, before lib/ is built).`,
      "const { existsSync } = require('node:fs');",
      "const { join } = require('node:path');",
      '',
      `const target = join(__dirname, '..', ${pathParts});`,
      'if (!existsSync(target)) {',
      '  process.stderr.write(',
      `    '${name}: ${project.package.packageName} is not built yet (${module} is missing): ' +`,
      `      'run \`npm run compile\` at the repository root, or \`npx nx run ${project.package.packageName}:compile\`.\\n',`,
      '  );',
      '  process.exit(1);',
      '}',
    ];
    if (run) {
      lines.push(
        `require(target)`,
        `  .${run}(process.argv.slice(2))`,
        '  .then(',
        '    (code) => {',
        '      process.exitCode = code;',
        '    },',
        '    (error) => {',
        '      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);',
        `      process.stderr.write(\`${name}: \${message}\\n\`);`,
        '      process.exitCode = 1;',
        '    },',
        '  );',
      );
    } else {
      lines.push('require(target);');
    }
    // A final newline, as the formatter wants it.
    for (const line of [...lines, '']) file.addLine(line);
  }
}
