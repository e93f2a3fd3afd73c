import { JsonFile, type typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { createWorkspacePackage } from './workspace';
import { workspaceDependency } from './workspace-deps';

/** The rendered Nomad job, committed and shipped so `nomad job run` / `jobspec run` can use it as is. */
const RENDERED_JOB_FILES = ['hello-world.nomad.hcl', 'hello-world.api.json'];

/** Compiles this package after the workspace packages it imports (nx runs `^compile` first, from its cache when it can). */
const COMPILE_WITH_DEPENDENCIES = 'nx run @org/hello-world-app:compile --output-style=static';

/** `@org/hello-world-app`: the sample web service and its Nomad job. */
export function helloWorldApp(root: Root, jobspecBuilder: typescript.TypeScriptProject): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'hello-world-app',
    description: 'Sample production-grade web service for Nomad, with its container image and Nomad job.',
    deps: ['pino@10.4.0', 'prom-client@15.1.3', `zod@${VERSIONS.zod}`],
    devDeps: [
      // HashiCorp's HCL parser and formatter (WASM builds) prove the rendered job.
      '@cdktn/hcl2json@0.24.0',
      '@cdktn/hcl-tools@0.24.0',
      'autocannon@9.0.0',
      '@types/autocannon@7.12.7',
      'dockerfile-ast@0.7.1',
      'tsx@4.23.15',
    ],
    bin: { 'hello-world-app': 'lib/bin.js' },
    subpathExports: { './job': 'job/index' },
    extraFiles: RENDERED_JOB_FILES,
  });

  // Only the job (the `./job` entry point) uses @org/jobspec-builder; the server never loads it. As an optional
  // dependency, npm installs it by default, and the image leaves it out (`--omit=optional`) with the HCL parser
  // and the rest of what it brings.
  // (projen renders no optionalDependencies of its own.)
  const jobBuilderSpec = workspaceDependency(jobspecBuilder);
  const versionAt = jobBuilderSpec.lastIndexOf('@');
  project.package.addField('optionalDependencies', {
    [jobBuilderSpec.slice(0, versionAt)]: jobBuilderSpec.slice(versionAt + 1),
  });

  // The runtime-image test packs lib/, so nx compiles the package before testing it (and never concurrently).
  project.package.addField('nx', { targets: { test: { dependsOn: ['^compile', 'compile'] } } });

  // bench/ is type-checked like test/ (it is not under either tsconfig otherwise).
  new JsonFile(project, 'bench/tsconfig.json', {
    obj: {
      extends: '../tsconfig.json',
      compilerOptions: { noEmit: true, rootDir: '..' },
      include: ['**/*.ts'],
      exclude: ['node_modules'],
    },
  });
  project.tasks.tryFind('lint')?.prependExec('tsc --noEmit -p bench/tsconfig.json');

  project.addTask('bench', {
    description:
      'Requests/s, p50/p99 latency, RSS and time to first response of the app vs a bare node:http server (prints figures)',
    steps: [{ exec: COMPILE_WITH_DEPENDENCIES }, { exec: 'tsx bench/http.bench.ts' }],
  });
  project.addTask('bench:memory', {
    description:
      "The app's resident memory under a minute of sustained load (BENCH_RATE, BENCH_CONNECTIONS; prints figures)",
    steps: [{ exec: COMPILE_WITH_DEPENDENCIES }, { exec: 'tsx bench/memory.bench.ts' }],
  });
  project.addTask('bench:sigterm', {
    description: 'Requests lost when SIGTERM arrives under load, with and without the drain window (prints figures)',
    steps: [{ exec: COMPILE_WITH_DEPENDENCIES }, { exec: 'tsx bench/sigterm.bench.ts' }],
  });
  project.addTask('render-job', {
    description: `Regenerate ${RENDERED_JOB_FILES.join(' and ')} from src/job (commit the result)`,
    exec: 'tsx scripts/render-job.ts',
  });
  project.addTask('image', {
    description: 'Build the container image hello-world-app:local (needs a Docker engine)',
    steps: [
      { exec: COMPILE_WITH_DEPENDENCIES },
      { exec: 'rm -rf dist/image && mkdir -p dist/image' },
      // The image installs exactly the tarballs npm would publish (see Dockerfile).
      { exec: 'npm pack --pack-destination dist/image' },
      { exec: 'docker build --tag hello-world-app:local .' },
    ],
  });
  return project;
}
