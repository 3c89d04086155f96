// Logs: filter the message log by channel, status and step; each change goes into the URL (and back to page 1).
import { useState } from "react";
import { useSearchParams } from "@remix-run/react";
import { Card, InlineGrid, Select } from "@shopify/polaris";
import { channelLabel } from "../../lib/message-kinds";

const STATUSES = ["pending", "sending", "sent", "delivered", "opened", "clicked", "failed", "skipped", "bounced"];
const CHANNELS = ["email", "push", "whatsapp", "manual_whatsapp", "manual_call", "staff_alert"];

export function LogFilters({
  filters: initial,
  steps,
}: {
  filters: { channel: string | null; status: string | null; step: string | null };
  steps: Array<{ id: string; label: string }>;
}) {
  const [params, setParams] = useSearchParams();
  const [filters, setFilters] = useState({ channel: initial.channel ?? "", status: initial.status ?? "", step: initial.step ?? "" });
  const update = (key: "channel" | "status" | "step", value: string) => {
    setFilters((f) => ({ ...f, [key]: value }));
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    next.delete("page");
    next.delete("message");
    setParams(next);
  };
  return (
    <Card>
      <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
        <Select
          label="Channel"
          id="log-channel"
          options={[{ label: "All channels", value: "" }, ...CHANNELS.map((c) => ({ label: channelLabel(c), value: c }))]}
          value={filters.channel}
          onChange={(v) => update("channel", v)}
        />
        <Select
          label="Status"
          id="log-status"
          options={[{ label: "All statuses", value: "" }, ...STATUSES.map((c) => ({ label: c, value: c }))]}
          value={filters.status}
          onChange={(v) => update("status", v)}
        />
        <Select
          label="Step"
          id="log-step"
          options={[{ label: "All steps", value: "" }, ...steps.map((s) => ({ label: s.label, value: s.id }))]}
          value={filters.step}
          onChange={(v) => update("step", v)}
        />
      </InlineGrid>
    </Card>
  );
}
