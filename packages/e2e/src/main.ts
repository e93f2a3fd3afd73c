import { collectBuildReport, formatBuildReport } from './build-report';

// `npm start`: nx has compiled every package (this target depends on them); report what was built.
const report = collectBuildReport();
const missing = report.filter((p) => p.modules === 0);
console.log(formatBuildReport(report));
if (missing.length > 0) {
  console.error(
    `Not built: ${missing.map((p) => p.name).join(', ')}. Run "npx nx run-many -t compile" and look at its errors.`,
  );
  process.exitCode = 1;
}
