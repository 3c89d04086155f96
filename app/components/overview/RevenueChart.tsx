// Overview: recovered revenue per day as an SVG bar chart (no chart library: one bar a day, three grid lines).
import { niceMax } from "../../lib/metrics";

export function RevenueChart({ points, money }: { points: Array<{ day: string; valueMinor: number }>; money: (m: number) => string }) {
  const width = 720;
  const height = 200;
  const pad = { left: 64, right: 8, top: 10, bottom: 28 };
  const max = niceMax(Math.max(0, ...points.map((p) => p.valueMinor)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const bw = innerW / Math.max(1, points.length);
  const labelEvery = Math.ceil(points.length / 8);
  return (
    <svg id="revenue-chart" role="img" aria-label="Recovered revenue per day" viewBox={`0 0 ${width} ${height}`} style={{ width: "100%", height: "auto" }}>
      {[0, 0.5, 1].map((f) => {
        const y = pad.top + innerH * (1 - f);
        return (
          <g key={f}>
            <line x1={pad.left} x2={width - pad.right} y1={y} y2={y} stroke="#e3e3e3" />
            <text x={pad.left - 6} y={y + 4} fontSize="10" textAnchor="end" fill="#616161">
              {money(Math.round(max * f))}
            </text>
          </g>
        );
      })}
      {points.map((p, i) => {
        const h = (p.valueMinor / max) * innerH;
        const x = pad.left + i * bw;
        return (
          <g key={p.day}>
            <rect x={x + bw * 0.1} width={Math.max(1, bw * 0.8)} y={pad.top + innerH - h} height={h} fill="#008060" rx={1}>
              <title>{`${p.day}: ${money(p.valueMinor)}`}</title>
            </rect>
            {i % labelEvery === 0 ? (
              <text x={x + bw / 2} y={height - 10} fontSize="10" textAnchor="middle" fill="#616161">
                {p.day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
