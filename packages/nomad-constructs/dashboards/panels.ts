import type * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS_DATASOURCE_UID } from '../src/observability/grafana/grafana-provisioning';

/**
 * The building blocks every shipped dashboard uses, on top of Grafana's foundation SDK: panels that
 * query the provisioned Prometheus data source, with a description that says what the panel
 * shows and where the metric comes from.
 */

/** The provisioned Prometheus data source. */
export const PROMETHEUS: common.DataSourceRef = { type: 'prometheus', uid: PROMETHEUS_DATASOURCE_UID };

/** One query of a panel: PromQL and its legend (`{{label}}` is a label value). */
export interface Query {
  readonly expr: string;
  readonly legend: string;
}

/** A panel: its title, what it shows, its unit (Grafana's unit ids) and queries. */
export interface PanelSpec {
  readonly title: string;
  readonly description: string;
  readonly unit: string;
  readonly queries: readonly Query[];
  /** Grid columns out of 24. @default 12 */
  readonly width?: number;
}

function targets(queries: readonly Query[]): prometheus.DataqueryBuilder[] {
  return queries.map((query, index) =>
    new prometheus.DataqueryBuilder()
      .datasource(PROMETHEUS)
      .refId(String.fromCharCode(65 + index))
      .expr(query.expr)
      .legendFormat(query.legend)
      .range(),
  );
}

/** A time series panel. */
export function graph(spec: PanelSpec): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .height(8)
    .span(spec.width ?? 12)
    .fillOpacity(10)
    .targets(targets(spec.queries));
}

/** A single-value panel (the last value of each query). */
export function single(spec: PanelSpec): stat.PanelBuilder {
  return new stat.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(PROMETHEUS)
    .unit(spec.unit)
    .height(4)
    .span(spec.width ?? 6)
    .targets(targets(spec.queries));
}

/** A row header. */
export function row(title: string): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title);
}

/** A variable listing the values of a label (`label_values(metric, label)`), all selected by default. */
export function labelVariable(name: string, label: string, metric: string, description: string) {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .description(description)
    .datasource(PROMETHEUS)
    .query(`label_values(${metric}, ${label})`)
    .definition(`label_values(${metric}, ${label})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.+')
    .current({ text: 'All', value: '$__all' });
}

/** What every shipped dashboard has: its uid, title, tags, the time range and refresh. */
export function newDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags(['nomad', 'nomad-constructs'])
    .readonly()
    .timezone('browser')
    .time({ from: 'now-6h', to: 'now' })
    .refresh('30s')
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
}
