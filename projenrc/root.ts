import { JsonFile, javascript, typescript } from 'projen';
import { PlatformLockEntries } from './platform-lock-entries';
import { VERSIONS } from './versions';
import { WorkspaceInstall } from './workspace-install';

/** The workspace root: npm workspaces, nx, changesets, Biome and the repository-wide tasks. */
export interface Root {
  readonly project: javascript.NodeProject;
  readonly install: WorkspaceInstall;
}

export function createRoot(): Root {
  const root = new javascript.NodeProject({
    name: '@org/root',
    defaultReleaseBranch: 'main',
    packageManager: javascript.NodePackageManager.NPM,
    minNodeVersion: VERSIONS.node,
    projenrcJs: false,
    package: false,
    jest: false,
    prettier: false,
    release: false,
    github: false,
    depsUpgrade: false,
    buildWorkflow: false,
    pullRequestTemplate: false,
    licensed: true,
    license: 'Apache-2.0',
    copyrightOwner: 'The nomad-on-aws authors',
    authorName: 'The nomad-on-aws authors',
    devDeps: [
      'projen@0.103.25',
      `typescript@${VERSIONS.typescript}`,
      'tsx@4.23.15',
      `@types/node@${VERSIONS.typesNode}`,
      `constructs@${VERSIONS.constructs}`,
      'nx@24.0.6',
      `vitest@${VERSIONS.vitest}`,
      '@changesets/cli@2.31.1',
      '@biomejs/biome@2.6.8',
      'publint@0.3.25',
      '@arethetypeswrong/cli@0.18.5',
      'yaml@2.9.1',
    ],
  });
  root.package.addField('private', true);
  root.package.file.addDeletionOverride('main');
  root.package.addField('workspaces', ['packages/*']);
  // The root is not an nx project of its own: its scripts call nx, so inferring them would recurse.
  root.package.addField('nx', { includedScripts: [] });
  root.gitignore.exclude('/.nx/', 'cdk.out/', 'coverage/', '*.tsbuildinfo');

  const projenrc = new typescript.ProjenrcTs(root, { runner: typescript.TypeScriptRunner.tsx() });
  projenrc.tsconfig.file.addOverride('compilerOptions', {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  });
  // Only the projen configuration: the packages type-check themselves, after their dependencies compile.
  projenrc.tsconfig.file.addOverride('include', ['.projenrc.ts', 'projenrc/**/*.ts']);
  // Without RELEASE, every synthesis resets package versions to 0.0.0 and undoes `changeset version`.
  if (!root.defaultTask) {
    throw new Error('The root project has no default (synthesis) task to configure.');
  }
  root.defaultTask.env('RELEASE', 'true');

  const install = new WorkspaceInstall(root);
  // After the install (components run in the order they were added).
  new PlatformLockEntries(root);
  configureTasks(root);
  configureNx(root);
  configureChangesets(root);
  configureBiome(root);
  return { project: root, install };
}

function configureTasks(root: javascript.NodeProject): void {
  root.compileTask.reset('nx run-many -t compile');
  root.testTask.reset('tsc -p tsconfig.projen.json');
  root.testTask.exec('biome check --error-on-warnings .projenrc.ts projenrc');
  // Compile first, then start every check at once: nx starts the tasks of the most depended-on packages
  // first, so with a few slots e2e's test target (the longest) would wait until every other task had started.
  root.testTask.exec('nx run-many -t compile --output-style=static');
  root.testTask.exec('nx run-many -t lint test check-package --parallel=16 --output-style=static');
  root.addTask('start', {
    description: 'The main job: build every package, then run the reference app (packages/e2e)',
    exec: 'nx run @org/e2e:start',
  });
  root.addTask('affected', {
    description: 'Lint, test and compile only what changed since main (as CI does for pull requests)',
    exec: 'nx affected -t lint test compile check-package --output-style=static',
    receiveArgs: true,
  });
  root.addTask('format', { description: 'Format and fix every file with Biome', exec: 'biome check --write .' });
  root.addTask('changeset', { description: 'Describe a change for the next release', exec: 'changeset' });
  root.addTask('version-packages', {
    description:
      'Apply pending changesets: bump versions and changelogs, then refresh the lockfile and generated files',
    steps: [{ exec: 'changeset version' }, { exec: 'npm install --no-audit --no-fund' }, { spawn: 'default' }],
  });
  root.addTask('release', {
    description: 'Build and publish every package whose version is not on npm yet',
    steps: [{ exec: 'nx run-many -t compile check-package' }, { exec: 'changeset publish' }],
  });
}

function configureNx(root: javascript.NodeProject): void {
  const buildOutputs = ['{projectRoot}/lib'];
  new JsonFile(root, 'nx.json', {
    obj: {
      $schema: './node_modules/nx/schemas/nx-schema.json',
      defaultBase: 'main',
      // In the workspace (nx 24 defaults to the home directory), so CI can cache it between runs.
      cacheDirectory: '.nx/cache',
      analytics: false,
      neverConnectToCloud: true,
      useDaemonProcess: false,
      tui: { enabled: false },
      namedInputs: {
        sharedGlobals: ['{workspaceRoot}/biome.jsonc', '{workspaceRoot}/nx.json'],
        default: ['{projectRoot}/**/*', '!{projectRoot}/lib/**', '!{projectRoot}/coverage/**', 'sharedGlobals'],
        production: ['default', '!{projectRoot}/test/**', '!{projectRoot}/vitest.config.mts'],
      },
      targetDefaults: {
        compile: { dependsOn: ['^compile'], inputs: ['production', '^production'], outputs: buildOutputs, cache: true },
        test: { dependsOn: ['^compile'], inputs: ['default', '^production'], cache: true },
        lint: { dependsOn: ['^compile'], inputs: ['default', '^production'], cache: true },
        'check-package': { dependsOn: ['compile'], inputs: ['production', '^production'], cache: true },
      },
    },
  });
}

function configureChangesets(root: javascript.NodeProject): void {
  new JsonFile(root, '.changeset/config.json', {
    obj: {
      $schema: 'https://unpkg.com/@changesets/config@3.1.1/schema.json',
      changelog: '@changesets/cli/changelog',
      commit: false,
      fixed: [],
      linked: [],
      access: 'public',
      baseBranch: 'main',
      updateInternalDependencies: 'patch',
      ignore: [],
      ___experimentalUnsafeOptions_WILL_CHANGE_IN_PATCH: { updateInternalDependents: 'always' },
    },
  });
}

function configureBiome(root: javascript.NodeProject): void {
  new JsonFile(root, 'biome.jsonc', {
    allowComments: true,
    obj: {
      $schema: './node_modules/@biomejs/biome/configuration_schema.json',
      vcs: { enabled: true, clientKind: 'git', useIgnoreFile: true },
      files: {
        includes: [
          '**/*.ts',
          '**/*.mts',
          '**/*.js',
          '**/*.mjs',
          '!**/lib',
          '!**/node_modules',
          '!**/cdk.out',
          '!**/*.d.ts',
        ],
      },
      formatter: { indentStyle: 'space', indentWidth: 2, lineWidth: 120 },
      javascript: { formatter: { quoteStyle: 'single' } },
      linter: {
        rules: {
          preset: 'recommended',
          // Nomad's runtime interpolations ('${NOMAD_ALLOC_ID}', '${attr.x}') are literal text in plain strings.
          suspicious: { noTemplateCurlyInString: 'off' },
        },
      },
    },
  });
}
