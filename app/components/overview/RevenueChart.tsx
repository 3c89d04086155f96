// Overview: recovered revenue per day as a polaris-viz line chart, with the same figures as a table (hidden for screen
// readers, or shown with "Show as table"). The chart itself is drawn in the browser only: see ChartWithTable.
// A line, not bars: polaris-viz's BarChart draws no x-axis labels at all once a bar is narrower than 14px (30 and 90
// days in a card), while its LineChart thins them out.
import { LineChart } from "@shopify/polaris-viz";
import { ChartWithTable } from "./TrendChart";

const LABEL = "Recovered revenue per day";

// "2024-03-05" -> "Mar 5" (the day key is a UTC calendar day).
const shortDay = (day: string) => {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : d.toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });
};

export function RevenueChart({ points, money }: { points: Array<{ day: string; valueMinor: number }>; money: (m: number) => string }) {
  const moneyLabel = (v: string | number | null) => (v == null ? "" : money(Number(v)));
  return (
    <ChartWithTable
      id="revenue-chart"
      label={LABEL}
      headings={["Day", "Recovered revenue"]}
      rows={points.map((p) => [p.day, money(p.valueMinor)])}
      renderChart={() => (
        <LineChart
          id="revenue-chart-viz"
          data={[{ name: "Recovered revenue", data: points.map((p) => ({ key: p.day, value: p.valueMinor })) }]}
          showLegend={false}
          xAxisOptions={{ labelFormatter: (v) => shortDay(String(v ?? "")) }}
          // Minor units: whole ticks only, so no tick falls between two cents.
          yAxisOptions={{ labelFormatter: moneyLabel, integersOnly: true }}
          tooltipOptions={{ valueFormatter: moneyLabel, titleFormatter: (v) => String(v ?? "") }}
        />
      )}
    />
  );
}
