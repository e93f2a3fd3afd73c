import { relative } from 'node:path';
import { type App, Aspects } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks, NIST80053R5Checks } from 'cdk-nag';
import { type NagFinding, NagFindingsCollector } from './nag-findings';

/** What one stack of a synthesized app holds. */
export interface StackSummary {
  readonly name: string;
  /** Resource type -> count. */
  readonly resources: Readonly<Record<string, number>>;
  /** CDK warnings and errors on the stack's constructs, cdk-nag's own excluded (they are in `findings`). */
  readonly warnings: readonly string[];
  readonly errors: readonly string[];
}

export interface SynthSummary {
  readonly outdir: string;
  readonly seconds: number;
  readonly stacks: readonly StackSummary[];
  /** cdk-nag results (AwsSolutions and NIST 800-53 rev 5) other than passes. */
  readonly findings: readonly NagFinding[];
}

/** The cdk-nag packs every synthesis here runs, as the summary names them. */
export const NAG_PACKS = 'AwsSolutions and NIST 800-53 rev 5';

/**
 * Builds an app, synthesizes it with cdk-nag's AwsSolutions and NIST 800-53 rev 5 packs applied,
 * and summarizes the assembly: the stacks, their resources by type, CDK annotations and every
 * cdk-nag finding. `seconds` covers building and synthesizing.
 */
export function synthesizeWithNag(build: () => App): SynthSummary {
  const start = process.hrtime.bigint();
  const app = build();
  const collector = new NagFindingsCollector();
  Aspects.of(app).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [collector] }));
  Aspects.of(app).add(new NIST80053R5Checks({ reports: false, additionalLoggers: [collector] }));
  const assembly = app.synth();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return { outdir: assembly.directory, seconds, stacks: summarizeStacks(assembly), findings: collector.findings };
}

function summarizeStacks(assembly: CloudAssembly): StackSummary[] {
  return assembly.stacks.map((stack) => {
    const resources: Record<string, number> = {};
    for (const resource of Object.values((stack.template.Resources ?? {}) as Record<string, { Type: string }>)) {
      resources[resource.Type] = (resources[resource.Type] ?? 0) + 1;
    }
    const messages = (level: string) =>
      stack.messages
        .filter((message) => message.level === level)
        .map((message) => `${message.id}: ${String(message.entry.data)}`)
        // cdk-nag reports through annotations too; its findings are counted from the collector.
        .filter((text) => !/: (AwsSolutions-|NIST\.800\.53\.R5-|CdkNagValidationFailure)/.test(text));
    return { name: stack.stackName, resources, warnings: messages('warning'), errors: messages('error') };
  });
}

/** Whether the summary shows a problem: a CDK error or an unsuppressed cdk-nag error. */
export function hasProblems(summary: SynthSummary): boolean {
  return (
    summary.stacks.some((stack) => stack.errors.length > 0) ||
    summary.findings.some((finding) => finding.suppressedBecause === undefined && finding.level === 'Error')
  );
}

/** The short report `npm start` prints. */
export function formatSummary(summary: SynthSummary, cwd = process.cwd()): string {
  const lines = [
    `Synthesized ${summary.stacks.length} stack${summary.stacks.length === 1 ? '' : 's'} in ${summary.seconds.toFixed(1)} s into ${relative(cwd, summary.outdir) || '.'}`,
  ];
  for (const stack of summary.stacks) {
    const entries = Object.entries(stack.resources).sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
    const total = entries.reduce((sum, [, count]) => sum + count, 0);
    lines.push('', `${stack.name}: ${total} resources`);
    const width = Math.max(...entries.map(([, count]) => String(count).length));
    lines.push(...entries.map(([type, count]) => `  ${String(count).padStart(width)}  ${type}`));
    lines.push(
      ...stack.warnings.map((warning) => `  warning ${warning}`),
      ...stack.errors.map((error) => `  ERROR ${error}`),
    );
  }
  const open = summary.findings.filter((finding) => finding.suppressedBecause === undefined);
  const suppressed = summary.findings.filter((finding) => finding.suppressedBecause !== undefined);
  const count = (level: string) => open.filter((finding) => finding.level === level).length;
  lines.push(
    '',
    `cdk-nag ${NAG_PACKS}: ${count('Error')} errors and ${count('Warning')} warnings unsuppressed, ${suppressed.length} suppressed with a reason`,
  );
  for (const finding of open) {
    lines.push(
      `  ${finding.level.toUpperCase()} ${describeRule(finding)} on ${finding.path}${finding.findingId ? ` [${finding.findingId}]` : ''}`,
    );
  }
  const byRule = new Map<string, number>();
  for (const finding of suppressed) {
    byRule.set(describeRule(finding), (byRule.get(describeRule(finding)) ?? 0) + 1);
  }
  for (const [rule, times] of [...byRule].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`  suppressed ${rule} x${times}`);
  }
  return lines.join('\n');
}

function describeRule(finding: NagFinding): string {
  return finding.failedRule === undefined ? finding.ruleId : `${finding.ruleId} (${finding.failedRule})`;
}
