// Unmatched replies: what shoppers wrote that matched no checkout, for a person to link to a checkout (then it goes the
// usual way: the conversation, Negotiating, a staff alert) or dismiss. Every decision is audited.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useSearchParams } from "@remix-run/react";
import { Badge, BlockStack, Button, Card, InlineStack, Page, Select, Text, TextField } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { useState } from "react";
import { formatWhen } from "../lib/admin-time";
import { InputError } from "../lib/errors";
import { dismissUnmatchedReply, linkCandidates, listUnmatchedReplies } from "../models/unmatched-replies.server";
import { linkReplyFromInbox } from "../recovery/inbound-replies.server";
import { adminContext, refusal } from "../shopify/admin-context.server";

/** What to look for first: the email's local part or the phone's last digits. */
function guess(sender: string): string {
  if (sender.includes("@")) return sender.split("@")[0];
  const digits = sender.replace(/\D/g, "");
  return digits.slice(-7);
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop } = await adminContext(request);
  const q = (new URL(request.url).searchParams.get("q") ?? "").trim();
  const replies = await listUnmatchedReplies(shop);
  const searched = q ? await linkCandidates(shop, q) : [];
  const rows = await Promise.all(
    replies.map(async (r) => {
      const own = await linkCandidates(shop, guess(r.sender));
      const seen = new Set(own.map((c) => c.id));
      return { ...r, candidates: [...own, ...searched.filter((c) => !seen.has(c.id))] };
    }),
  );
  return json({ rows, q });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff, now } = await adminContext(request);
  const form = await request.formData();
  const id = String(form.get("id") ?? "");
  const actor = `staff:${staff}`;
  try {
    if (!id) throw new InputError(400, "which reply?");
    if (form.get("intent") === "link") {
      const checkoutId = String(form.get("checkoutId") ?? "");
      if (!checkoutId) throw new InputError(400, "choose a checkout to link it to");
      const outcome = await linkReplyFromInbox({ shop, id, checkoutId, actor, now });
      return json({ ok: true as const, outcome });
    }
    if (form.get("intent") === "dismiss") {
      await dismissUnmatchedReply({ shop, id, actor, now });
      return json({ ok: true as const, outcome: "dismissed" });
    }
    throw new InputError(400, "unknown action");
  } catch (err) {
    return refusal(err);
  }
};

function ReplyCard({ row }: { row: ReturnType<typeof useLoaderData<typeof loader>>["rows"][number] }) {
  const fetcher = useFetcher<typeof action>();
  const [checkoutId, setCheckoutId] = useState(row.candidates[0]?.id ?? "");
  const error = fetcher.data && "error" in fetcher.data ? fetcher.data.error : null;
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack gap="200" blockAlign="center">
          <Badge>{row.channel === "whatsapp" ? "WhatsApp" : "Email"}</Badge>
          <Text as="span" fontWeight="semibold">
            {row.sender}
          </Text>
          <Text as="span" tone="subdued">
            {formatWhen(row.receivedAt)}
          </Text>
        </InlineStack>
        <Text as="p">{row.body}</Text>
        <InlineStack gap="200" blockAlign="end">
          <Select
            label="Checkout"
            options={
              row.candidates.length ? row.candidates.map((c) => ({ label: c.label, value: c.id })) : [{ label: "No checkout found: search above", value: "" }]
            }
            value={checkoutId}
            onChange={setCheckoutId}
            disabled={!row.candidates.length}
          />
          <Button variant="primary" disabled={!checkoutId} onClick={() => fetcher.submit({ intent: "link", id: row.id, checkoutId }, { method: "post" })}>
            Link to this checkout
          </Button>
          <Button tone="critical" variant="plain" onClick={() => fetcher.submit({ intent: "dismiss", id: row.id }, { method: "post" })}>
            Dismiss
          </Button>
        </InlineStack>
        {error ? (
          <Text as="p" tone="critical">
            {error}
          </Text>
        ) : null}
      </BlockStack>
    </Card>
  );
}

export default function UnmatchedReplies() {
  const { rows, q } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(q);
  return (
    <Page title="Unmatched replies" subtitle="Replies we could not match to a checkout. Link each to its checkout, or dismiss it.">
      <TitleBar title="Unmatched replies" />
      <BlockStack gap="300">
        <Card>
          <InlineStack gap="200" blockAlign="end">
            <TextField label="Find a checkout" value={search} onChange={setSearch} autoComplete="off" placeholder="Email, name or phone" id="reply-search" />
            <Button
              onClick={() => {
                const next = new URLSearchParams(params);
                if (search.trim()) next.set("q", search.trim());
                else next.delete("q");
                setParams(next);
              }}
            >
              Search
            </Button>
          </InlineStack>
        </Card>
        <div id="unmatched-replies">
          {rows.length === 0 ? (
            <Text as="p" tone="subdued">
              Every reply is matched to a checkout.
            </Text>
          ) : (
            <BlockStack gap="300">
              {rows.map((r) => (
                <div key={r.id} data-testid="unmatched-reply">
                  <ReplyCard row={r} />
                </div>
              ))}
            </BlockStack>
          )}
        </div>
      </BlockStack>
    </Page>
  );
}
