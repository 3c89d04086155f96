// Needs a person: the queue's filters (reason, owner, follow-up due, reply topic and channel, priority).
import { Button, Card, InlineStack, Select } from "@shopify/polaris";
import { PRIORITIES } from "../../lib/board";
import { QUEUE_REASONS, QUEUE_REASON_LABELS, REPLY_TOPIC_LABELS } from "../../lib/handoff-queue";
import { REPLY_TOPICS } from "../../lib/reply-topics";

export function QueueFilters({
  params,
  staff,
  me,
  onChange,
}: {
  params: URLSearchParams;
  staff: string[];
  me: string;
  onChange: (key: string, value: string) => void;
}) {
  const opt = (label: string, value: string) => ({ label, value });
  return (
    <Card>
      <InlineStack gap="300" blockAlign="end" wrap>
        <Select
          id="queue-reason"
          label="Reason"
          options={[opt("Any reason", ""), ...QUEUE_REASONS.map((r) => opt(QUEUE_REASON_LABELS[r], r))]}
          value={params.get("reason") ?? ""}
          onChange={(v) => onChange("reason", v)}
        />
        <Select
          id="queue-owner"
          label="Owner"
          options={[opt("Anyone", ""), opt("Assigned to me", "me"), opt("Nobody yet", "unassigned"), ...staff.filter((s) => s !== me).map((s) => opt(s, s))]}
          value={params.get("owner") ?? ""}
          onChange={(v) => onChange("owner", v)}
        />
        <Select
          id="queue-topic"
          label="Reply topic"
          options={[opt("Any topic", ""), ...REPLY_TOPICS.map((k) => opt(REPLY_TOPIC_LABELS[k], k))]}
          value={params.get("topic") ?? ""}
          onChange={(v) => onChange("topic", v)}
        />
        <Select
          id="queue-channel"
          label="Replied by"
          options={[opt("Any channel", ""), opt("Email", "email"), opt("WhatsApp", "whatsapp")]}
          value={params.get("channel") ?? ""}
          onChange={(v) => onChange("channel", v)}
        />
        <Select
          id="queue-priority"
          label="Priority"
          options={[opt("Any priority", ""), ...PRIORITIES.map((p) => opt(p[0].toUpperCase() + p.slice(1), p))]}
          value={params.get("priority") ?? ""}
          onChange={(v) => onChange("priority", v)}
        />
        <Button id="queue-due" pressed={params.get("due") === "1"} onClick={() => onChange("due", params.get("due") === "1" ? "" : "1")}>
          Follow-up due
        </Button>
      </InlineStack>
    </Card>
  );
}
