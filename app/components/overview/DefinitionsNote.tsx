// Overview: what each figure means, written on the page (one definition per figure).
import { Banner, List } from "@shopify/polaris";

export function DefinitionsNote({
  attributionDays,
  currency,
  timeZone,
  zoneKnown,
  asOf,
  pending,
}: {
  attributionDays: number;
  currency: string;
  timeZone: string;
  zoneKnown: boolean;
  asOf: string | null;
  pending: boolean;
}) {
  return (
    <Banner tone="info" title="How these figures are counted">
      <div id="definitions">
        <List>
          <List.Item>
            <b>Abandoned</b>: a checkout that entered the recovery cadence (not paid before its quiet period ended, not a test order), counted on the day it was
            abandoned.
          </List.Item>
          <List.Item>
            <b>Recovered</b>: of those same checkouts, the ones whose order came after a message to the shopper, within {attributionDays} days of the last
            message before it; the order is credited to that message. Recovery rate = recovered ÷ abandoned, for the checkouts abandoned in the period.
          </List.Item>
          <List.Item>
            <b>Messages</b> are what shoppers received: email, push, WhatsApp, and messages your team sent by hand. Staff alerts are internal: never counted as
            messages, never credited, counted only under “Handed to your team”.
          </List.Item>
          <List.Item>
            <b>Order value lift</b>: the average recovered order against the average of your other orders placed in the period.
          </List.Item>
          <List.Item>
            Money is in {currency}, your shop&apos;s currency. Days are{" "}
            {zoneKnown ? `your shop's days (${timeZone})` : "UTC days (your shop's time zone is not known yet)"}.
            {asOf ? ` Updated ${new Date(asOf).toLocaleString("en-US", { timeZone, dateStyle: "medium", timeStyle: "short" })}.` : ""}
            {pending ? " Older days are still being counted: they appear within the next few minutes." : ""}
          </List.Item>
        </List>
      </div>
    </Banner>
  );
}
