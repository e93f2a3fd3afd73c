/**
 * Runs mutants in a child process of the long fuzz run (fuzz.ts), one after the other, and reports each mutant's
 * outcomes on the IPC channel before starting the next. If this process dies (a fatal V8 error, an out-of-memory
 * abort), the parent knows which mutant it was running.
 */
import { mutant } from './mutate';
import { fuzzDirectory, loadCorpus, runMutant } from './run-mutant';

export interface WorkerRequest {
  readonly seed: number;
  readonly from: number;
  readonly to: number;
}

export type WorkerMessage =
  | { readonly kind: 'start'; readonly index: number; readonly name: string; readonly mutations: readonly string[] }
  | { readonly kind: 'done'; readonly index: number; readonly outcomes: Awaited<ReturnType<typeof runMutant>> }
  | { readonly kind: 'uncaught'; readonly index: number; readonly error: string }
  | { readonly kind: 'finished' };

const send = (message: WorkerMessage) =>
  new Promise<void>((resolve) => {
    process.send?.(message, () => resolve());
  });

let current = -1;
process.on('uncaughtException', (error) => {
  void send({ kind: 'uncaught', index: current, error: `${error.name}: ${error.message}` });
});
process.on('unhandledRejection', (error) => {
  void send({ kind: 'uncaught', index: current, error: String(error) });
});

process.once('message', async (request: WorkerRequest) => {
  const corpus = await loadCorpus();
  const dir = fuzzDirectory();
  for (let index = request.from; index < request.to; index++) {
    current = index;
    const m = mutant(corpus, request.seed, index);
    await send({ kind: 'start', index, name: m.name, mutations: m.mutations });
    const outcomes = await runMutant(m, dir);
    await send({ kind: 'done', index, outcomes });
  }
  await send({ kind: 'finished' });
  process.disconnect();
});
