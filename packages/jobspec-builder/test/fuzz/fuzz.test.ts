import { beforeAll, describe, expect, it } from 'vitest';
import { type CorpusEntry, mutant } from './mutate';
import { fuzzDirectory, loadCorpus, type RunOutcome, runMutant } from './run-mutant';

// The bounded, seeded part of the fuzz run: the first 200 mutants of seed 17 through `validate`, `convert` both ways
// and `import`. The long run (`npx projen fuzz`, 2,000 mutants in child processes) also counts process deaths and
// runs over 10 s; time is never asserted here.
const MUTANTS = 200;
const SEED = 17;

let corpus: CorpusEntry[];
beforeAll(async () => {
  corpus = await loadCorpus();
});

describe('jobspec on mutants of the conformance corpus', () => {
  it('answers every one with a result or problems in the input, never an internal error or a throw', async () => {
    const dir = fuzzDirectory();
    const failures: string[] = [];
    const codes = new Map<number, number>();
    for (let index = 0; index < MUTANTS; index++) {
      const m = mutant(corpus, SEED, index);
      const outcomes: RunOutcome[] = await runMutant(m, dir);
      for (const outcome of outcomes) {
        codes.set(outcome.code, (codes.get(outcome.code) ?? 0) + 1);
        if (outcome.internal || outcome.threw !== undefined) {
          failures.push(
            `mutant ${index} (${m.mutations.join('; ')}): ${outcome.command}: ${outcome.threw ?? outcome.firstLine}`,
          );
        }
      }
    }
    expect(failures).toEqual([]);
    // Only the documented exit codes: 0 done, 1 problems in the job, 2 a file that cannot be read as a jobspec.
    expect([...codes.keys()].sort()).toEqual(expect.arrayContaining([0, 1]));
    expect([...codes.keys()].every((code) => code === 0 || code === 1 || code === 2)).toBe(true);
  });

  it('makes the same mutant from the same seed and index', () => {
    expect(mutant(corpus, SEED, 42)).toEqual(mutant(corpus, SEED, 42));
    expect(mutant(corpus, SEED, 42).text).not.toBe(mutant(corpus, SEED, 43).text);
  });
});
