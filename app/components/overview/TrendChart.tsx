// A polaris-viz line chart (e.g. recovery rate week over week) with the data behind it as a table: a visually hidden
// <table> screen readers always get, and a "Show as table" toggle that swaps the chart for a visible DataTable.
// polaris-viz cannot render on the server (it reads `window` while rendering), so the chart is drawn only once the
// page has hydrated: the server sends a placeholder of the chart's height and the hidden table. ChartWithTable and
// useHasMounted are shared with RevenueChart.
import { useEffect, useState, type CSSProperties, type ReactNode } from "react";
import { BlockStack, Button, DataTable, InlineStack } from "@shopify/polaris";
import { LineChart } from "@shopify/polaris-viz";

const CHART_HEIGHT = 240;

// Hidden from sight, still read by screen readers (the usual clip pattern).
const visuallyHidden: CSSProperties = {
  position: "absolute",
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: "hidden",
  clip: "rect(0 0 0 0)",
  whiteSpace: "nowrap",
  border: 0,
};

/** False on the server and on the first (hydrating) client render, true once mounted: gates client-only rendering. */
export function useHasMounted(): boolean {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/**
 * The frame every chart sits in: `#id` wrapper named `label`, the chart (client-only, hidden from screen readers, which
 * read `#id-table` instead), and the table toggle. `rows` are formatted cells, the first one of each row its key.
 */
export function ChartWithTable({
  id,
  label,
  headings,
  rows,
  renderChart,
}: {
  id: string;
  label: string;
  headings: string[];
  rows: string[][];
  renderChart: () => ReactNode;
}) {
  const mounted = useHasMounted();
  const [showTable, setShowTable] = useState(false);
  const visibleTableId = `${id}-visible-table`;
  return (
    <div id={id} role="figure" aria-label={label} style={{ position: "relative" }}>
      <BlockStack gap="200">
        {showTable ? (
          <div id={visibleTableId}>
            <DataTable columnContentTypes={headings.map((_, i) => (i === 0 ? "text" : "numeric"))} headings={headings} rows={rows} />
          </div>
        ) : (
          <div aria-hidden="true" style={{ height: CHART_HEIGHT }}>
            {mounted ? renderChart() : null}
          </div>
        )}
        {/* Hidden by a 1px box around it (a table does not shrink below its content). With the DataTable showing, the
            same figures would only be read twice. */}
        <div style={visuallyHidden} aria-hidden={showTable ? true : undefined}>
          <table id={`${id}-table`}>
            <caption>{label}</caption>
            <thead>
              <tr>
                {headings.map((h, i) => (
                  <th key={i} scope="col">
                    {h}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map(([key, ...cells]) => (
                <tr key={key}>
                  <th scope="row">{key}</th>
                  {cells.map((c, i) => (
                    <td key={i}>{c}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <InlineStack>
          <Button variant="plain" onClick={() => setShowTable((v) => !v)} ariaExpanded={showTable} ariaControls={visibleTableId}>
            {showTable ? "Show as chart" : "Show as table"}
          </Button>
        </InlineStack>
      </BlockStack>
    </div>
  );
}

export type TrendSeries = { name: string; points: Array<{ key: string; value: number }> };

/** One line per series over shared keys (weeks, days); `format` labels the y axis, the tooltips and the table cells. */
export function TrendChart({
  id,
  title,
  series,
  format,
  keyLabel = "Period",
}: {
  id: string;
  title: string;
  series: TrendSeries[];
  format: (v: number) => string;
  /** The table's first column heading. */
  keyLabel?: string;
}) {
  // Every key in first-seen order; a series without a point at a key shows a dash there.
  const keys = [...new Set(series.flatMap((s) => s.points.map((p) => p.key)))];
  const values = series.map((s) => new Map(s.points.map((p) => [p.key, p.value])));
  const rows = keys.map((k) => [
    k,
    ...values.map((m) => {
      const v = m.get(k);
      return v === undefined ? "—" : format(v);
    }),
  ]);
  const label = (v: string | number | null) => (v == null ? "" : format(Number(v)));
  return (
    <ChartWithTable
      id={id}
      label={title}
      headings={[keyLabel, ...series.map((s) => s.name)]}
      rows={rows}
      renderChart={() => (
        <LineChart
          id={`${id}-viz`}
          data={series.map((s) => ({ name: s.name, data: s.points.map((p) => ({ key: p.key, value: p.value })) }))}
          showLegend={series.length > 1}
          yAxisOptions={{ labelFormatter: label }}
          tooltipOptions={{ valueFormatter: label }}
        />
      )}
    />
  );
}
