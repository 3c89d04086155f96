// Needs a person: the handed-off checkouts a person should act on, most urgent and longest waiting first, with the
// reason, reply topic, owner and next follow-up; filters; "Assign to me".
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { useFetcher, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { BlockStack, Page, Pagination, Text } from "@shopify/polaris";
import { TitleBar } from "@shopify/app-bridge-react";
import { InputError } from "../lib/errors";
import { QUEUE_PAGE_SIZE, parseQueueFilters } from "../lib/handoff-queue";
import { merchantCurrency } from "../lib/shop-view";
import { listQueue } from "../models/handoff-queue.server";
import { assignOwner } from "../models/staff-actions.server";
import { listStaffNames } from "../models/staff-members.server";
import { adminContext, refusal } from "../shopify/admin-context.server";
import { QueueFilters } from "../components/queue/QueueFilters";
import { QueueTable } from "../components/queue/QueueTable";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { shop, shopRecord, staff, now } = await adminContext(request);
  const filters = parseQueueFilters(new URL(request.url).searchParams, staff);
  const [queue, staffNames] = await Promise.all([listQueue({ shop, filters, now }), listStaffNames(shop)]);
  return json({ currency: merchantCurrency(shopRecord), me: staff, staff: staffNames, page: filters.page, pageSize: QUEUE_PAGE_SIZE, ...queue });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { shop, staff } = await adminContext(request);
  const form = await request.formData();
  try {
    if (form.get("intent") !== "assign") throw new InputError(400, "unknown action");
    const checkoutId = String(form.get("checkoutId") ?? "");
    if (!checkoutId) throw new InputError(400, "which checkout?");
    await assignOwner({ shop, checkoutId, owner: String(form.get("owner") ?? ""), actor: `staff:${staff}` });
    return json({ ok: true as const });
  } catch (err) {
    return refusal(err);
  }
};

export default function NeedsAPerson() {
  const { rows, total, currency, me, staff, page, pageSize } = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const fetcher = useFetcher();
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    setParams(next);
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <Page title="Needs a person" subtitle="Carts handed to your team: most urgent first, then the longest waiting.">
      <TitleBar title="Needs a person" />
      <BlockStack gap="300">
        <QueueFilters params={params} staff={staff} me={me} onChange={set} />
        <Text as="p" tone="subdued" id="queue-count">
          {total === 1 ? "1 checkout waiting" : `${total.toLocaleString("en-US")} checkouts waiting`}
        </Text>
        <div style={{ opacity: navigation.state === "loading" ? 0.6 : 1 }}>
          <QueueTable
            rows={rows}
            currency={currency}
            me={me}
            onAssign={(checkoutId, owner) => fetcher.submit({ intent: "assign", checkoutId, owner }, { method: "post" })}
          />
        </div>
        {pages > 1 ? (
          <Pagination
            hasPrevious={page > 1}
            hasNext={page < pages}
            onPrevious={() => set("page", String(page - 1))}
            onNext={() => set("page", String(page + 1))}
            label={`Page ${page} of ${pages}`}
          />
        ) : null}
      </BlockStack>
    </Page>
  );
}
