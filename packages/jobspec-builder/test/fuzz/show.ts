/**
 * One mutant of the fuzz run, for a closer look: `tsx test/fuzz/show.ts <index> [--seed 17] [--write file]` prints its
 * mutations and each command's exit code, time and first line of stderr.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { mutant } from './mutate';
import { fuzzDirectory, loadCorpus, runMutant } from './run-mutant';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { seed: { type: 'string', default: '17' }, write: { type: 'string' } },
  });
  const corpus = await loadCorpus();
  const m = mutant(corpus, Number(values.seed), Number(positionals[0]));
  console.log(`${m.name} (${m.text.length} characters): ${m.mutations.join('; ')}`);
  if (values.write) writeFileSync(values.write, m.text);
  for (const outcome of await runMutant(m, fuzzDirectory())) {
    console.log(
      `  ${outcome.command}: exit ${outcome.code} in ${outcome.ms.toFixed(0)} ms ${outcome.threw ?? ''} ${outcome.firstLine}`,
    );
  }
}

void main();
