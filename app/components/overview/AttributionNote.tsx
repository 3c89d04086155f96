// Overview: how recoveries are counted (the attribution window, the currency, the cart-value bands, UTC days).
import { Banner } from "@shopify/polaris";

export function AttributionNote({ attributionDays, currency }: { attributionDays: number; currency: string }) {
  return (
    <Banner tone="info" title="How recoveries are counted">
      <p id="attribution-rule">
        A checkout counts as recovered when its order was placed after we sent it at least one message, within {attributionDays} days of the last message sent
        before the order; the order is credited to that last message (its step and channel). Recovered revenue is the total of those orders in {currency}, your
        shop&apos;s currency, as Shopify records them for you (whatever currency the shopper paid in). A cart in another currency is counted as abandoned but
        sits in no cart-value band, because its value in {currency} is not known until it is ordered. Periods are counted in UTC days.
      </p>
    </Banner>
  );
}
