// Import time of hostile jobspecs (issue #17) as they grow: each doubling of the input should about double the time
// (linear), where HashiCorp's parser alone was quadratic (80 KB of `$${x}` took 8 s). Also the pathological regular
// expression of the issue on the linear-time engine. Prints figures; asserts nothing.
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';

const require = createRequire(import.meta.url);
const { parseHcl } = require('../lib/index.js');

const job = (attribute) => `job "hostile" {\n  meta = {\n    x = ${attribute}\n  }\n}\n`;
const shapes = {
  '$${x} in a string': (kb) => job(`"${'$${x}'.repeat((kb * 1024) / 5)}"`),
  '% in a string': (kb) => job(`"${'%'.repeat(kb * 1024)}"`),
  'heredoc lines': (kb) => job(`<<EOF\n${'line\n'.repeat((kb * 1024) / 5)}EOF\n`),
  '<<- heredoc with indentation and blank lines': (kb) =>
    job(`<<-EOF\n${'    x $ %\n\n'.repeat((kb * 1024) / 11)}    EOF\n`),
  'operators in a row': (kb) => job(`1${' + 1'.repeat((kb * 1024) / 4)}`),
};

async function time(source) {
  const start = performance.now();
  try {
    await parseHcl(source, { env: {} });
  } catch {
    // Problems in the input are an answer too; the time is what is measured.
  }
  return performance.now() - start;
}

await time(job('1')); // load the parser
console.log(`node ${process.version}`);
for (const [name, make] of Object.entries(shapes)) {
  const figures = [];
  for (const kb of [80, 160, 320]) {
    const runs = [await time(make(kb)), await time(make(kb)), await time(make(kb))].sort((a, b) => a - b);
    figures.push(`${kb} KB ${(runs[1] / 1000).toFixed(2)} s`);
  }
  console.log(`${name.padEnd(46)} ${figures.join('   ')}`);
}
const input = `${'a'.repeat(5000)}b`;
const regex = await time(job(`regex_replace("${input}", "(a+)+$", "x")`));
console.log(`${'regex_replace("a...ab" (5,000 a), "(a+)+$", "x")'.padEnd(46)} ${(regex / 1000).toFixed(2)} s`);
