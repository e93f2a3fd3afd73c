import { execFileSync } from 'node:child_process';
import { parser } from '@prometheus-io/lezer-promql';
import { shippedDashboards } from '../../src/observability/grafana/grafana-provisioning';
import { prometheusAlertRules } from '../../src/observability/prometheus/alert-rules';

/** The metric names a PromQL expression reads, found by Prometheus's own PromQL grammar. */
export function metricNames(expr: string): string[] {
  const names = new Set<string>();
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.name === 'Identifier' && cursor.node.parent?.name === 'VectorSelector') {
      names.add(expr.slice(cursor.from, cursor.to));
    }
  } while (cursor.next());
  return [...names].sort();
}

/** Where the PromQL grammar rejects an expression (offsets of error nodes); empty when it parses. */
export function syntaxErrors(expr: string): number[] {
  const errors: number[] = [];
  const cursor = parser.parse(expr).cursor();
  do {
    if (cursor.type.isError) {
      errors.push(cursor.from);
    }
  } while (cursor.next());
  return errors;
}

/** A PromQL expression of a shipped dashboard or alert rule, and where it comes from. */
export interface ShippedQuery {
  readonly where: string;
  readonly expr: string;
}

/** Every PromQL expression the shipped dashboards (panels and variables) and the alert rules run. */
export function shippedQueries(): ShippedQuery[] {
  const queries: ShippedQuery[] = [];
  for (const file of shippedDashboards()) {
    const dashboard = JSON.parse(file.json) as {
      panels?: { title?: string; targets?: { expr?: string; refId?: string }[] }[];
    };
    for (const panel of dashboard.panels ?? []) {
      for (const target of panel.targets ?? []) {
        if (target.expr !== undefined) {
          queries.push({ where: `${file.fileName}: ${panel.title} (${target.refId})`, expr: target.expr });
        }
      }
    }
  }
  for (const group of prometheusAlertRules()) {
    for (const rule of group.rules) {
      queries.push({ where: `alert ${rule.alert}`, expr: rule.expr });
    }
  }
  return queries;
}

/** Runs Debian's promtool (package `prometheus`), with a clear message when it is missing. */
export function promtool(args: string[], cwd: string): string {
  try {
    return execFileSync('promtool', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new Error('promtool is not installed: apt-get install -y --no-install-recommends prometheus');
    }
    throw new Error(`promtool ${args.join(' ')} failed:\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
  }
}
