// A rate as the Overview writes it: the percentage with what it counts beside it ("12.3% · 45 of 366").
import { formatRate, rate } from "../../lib/metrics";

export function rateText(numerator: number, denominator: number): string {
  if (denominator <= 0) return "–";
  return `${formatRate(rate(numerator, denominator))} · ${numerator.toLocaleString("en-US")} of ${denominator.toLocaleString("en-US")}`;
}

export const count = (n: number) => n.toLocaleString("en-US");
