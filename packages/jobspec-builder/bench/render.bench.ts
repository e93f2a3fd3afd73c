import { performance } from 'node:perf_hooks';
import { webService } from '../test/golden/jobs/web-service';

// Render throughput for a median-size job (one group, one task, a service with a check,
// constraints, meta, env, update and restart blocks). Prints figures; asserts nothing.
// Target (issue #3): at least 20,000 jobs/s for each renderer.
const job = webService;

function measure(name: string, render: () => unknown): void {
  for (let i = 0; i < 2_000; i++) render(); // warm up the JIT
  const rounds: number[] = [];
  for (let round = 0; round < 5; round++) {
    const iterations = 10_000;
    const start = performance.now();
    for (let i = 0; i < iterations; i++) render();
    rounds.push(iterations / ((performance.now() - start) / 1000));
  }
  rounds.sort((a, b) => a - b);
  const median = rounds[2] as number;
  console.log(
    `${name.padEnd(12)} ${Math.round(median).toLocaleString('en-US').padStart(9)} jobs/s (median of 5 rounds of 10,000; min ${Math.round(rounds[0] as number).toLocaleString('en-US')}, max ${Math.round(rounds[4] as number).toLocaleString('en-US')})`,
  );
}

console.log(`node ${process.version}, ${job.toHcl().split('\n').length} HCL lines per job`);
measure('toHcl', () => job.toHcl());
measure('toApiJson', () => job.toApiJson());
measure('validate', () => job.validate());
