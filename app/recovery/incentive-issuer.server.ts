// The incentive issuer the cron tick uses: app/incentives (issue 6) makes one-time Shopify discount codes, idempotent
// per checkout and step. It is only asked for a step that carries the incentive when the shop turned incentives on.
import { createIncentiveIssuer } from "../incentives/service.server";
import type { IncentiveIssuer } from "./types";

export function buildIncentiveIssuer(): IncentiveIssuer {
  return createIncentiveIssuer();
}
