import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { JobspecIssue } from '@org/jobspec-builder';
import type { ApiJob } from './job-spec';

/** An HCL jobspec read at synth time: the job in the API's form, and what validation found. */
export interface ImportedHclJob {
  readonly job: ApiJob;
  readonly issues: readonly JobspecIssue[];
}

const IMPORT_TIMEOUT_MS = 120_000;

/** What the worker sends back. */
type WorkerResult = { job: ApiJob; issues: JobspecIssue[] } | { error: string; issues?: JobspecIssue[] };

/**
 * The worker: `@org/jobspec-builder`'s importer (HashiCorp's HCL parser as WASM, then Nomad's
 * evaluation of variables, locals and functions) is asynchronous, and a construct is built
 * synchronously. The import runs in a worker thread while this thread waits on a shared flag.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag);
const done = (result) => {
  workerData.port.postMessage(result);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
};
const failed = (error) => done({ error: String((error && error.message) || error), issues: error && error.issues });
try {
  const { parseHclFile } = require(workerData.builder);
  parseHclFile(workerData.path, { vars: workerData.vars, env: {} }).then(
    (job) => done({ job: job.toApiJson({ validate: false }).Job, issues: job.validate() }),
    failed,
  );
} catch (error) {
  failed(error);
}
`;

/**
 * Reads an HCL jobspec file with `@org/jobspec-builder`'s importer, as `nomad job run -var` would:
 * `variables` are the `-var` values; `NOMAD_VAR_*` variables of the environment are not read, so
 * the synthesized template depends only on the file and the props.
 *
 * @throws Error when the file cannot be read or parsed (with the importer's `file:line` messages)
 */
export function importHclJobFile(path: string, variables: Readonly<Record<string, string>>): ImportedHclJob {
  const flag = new SharedArrayBuffer(4);
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: {
      builder: require.resolve('@org/jobspec-builder'),
      path,
      vars: { ...variables },
      flag,
      port: port2,
    },
    transferList: [port2],
  });
  try {
    // A safety net only: an import takes well under a second.
    if (Atomics.wait(new Int32Array(flag), 0, 0, IMPORT_TIMEOUT_MS) === 'timed-out') {
      throw new Error(`the HCL import of ${path} did not finish within ${IMPORT_TIMEOUT_MS / 1000} s`);
    }
    const message = receiveMessageOnPort(port1)?.message as WorkerResult | undefined;
    if (message === undefined) {
      throw new Error(`the HCL import of ${path} ended without a result`);
    }
    if ('error' in message) {
      throw Object.assign(new Error(message.error), { issues: message.issues ?? [] });
    }
    return message;
  } finally {
    port1.close();
    void worker.terminate();
  }
}
