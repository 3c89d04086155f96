// The board's filter bar: stage, priority, value, dates and search, kept in the URL.
import { useState } from "react";
import { useSearchParams } from "@remix-run/react";
import { BlockStack, Button, Card, InlineGrid, InlineStack, Select, TextField } from "@shopify/polaris";
import { PRIORITIES } from "../../lib/board";
import { STAGES, STAGE_LABELS } from "../../lib/pipeline";

export function BoardFilters() {
  const [params, setParams] = useSearchParams();
  const [stage, setStage] = useState(params.get("stage") ?? "");
  const [priority, setPriority] = useState(params.get("priority") ?? "");
  const [min, setMin] = useState(params.get("min") ?? "");
  const [max, setMax] = useState(params.get("max") ?? "");
  const [from, setFrom] = useState(params.get("from") ?? "");
  const [to, setTo] = useState(params.get("to") ?? "");
  const [q, setQ] = useState(params.get("q") ?? "");
  const apply = () => {
    const next = new URLSearchParams();
    for (const [k, v] of Object.entries({ stage, priority, min, max, from, to, q })) if (v.trim()) next.set(k, v.trim());
    setParams(next);
  };
  return (
    <Card>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <BlockStack gap="300">
          <InlineGrid columns={{ xs: 1, sm: 2, md: 4, lg: 7 }} gap="300">
            <Select
              label="Stage"
              id="filter-stage"
              options={[{ label: "All stages", value: "" }, ...STAGES.map((s) => ({ label: STAGE_LABELS[s], value: s }))]}
              value={stage}
              onChange={setStage}
            />
            <Select
              label="Priority"
              id="filter-priority"
              options={[{ label: "Any priority", value: "" }, ...PRIORITIES.map((p) => ({ label: p[0].toUpperCase() + p.slice(1), value: p }))]}
              value={priority}
              onChange={setPriority}
            />
            <TextField label="Min value" id="filter-min" type="number" value={min} onChange={setMin} autoComplete="off" />
            <TextField label="Max value" id="filter-max" type="number" value={max} onChange={setMax} autoComplete="off" />
            <TextField label="Abandoned from" id="filter-from" type="date" value={from} onChange={setFrom} autoComplete="off" />
            <TextField label="Abandoned to" id="filter-to" type="date" value={to} onChange={setTo} autoComplete="off" />
            <TextField label="Search" id="filter-q" placeholder="Name, email or phone" value={q} onChange={setQ} autoComplete="off" />
          </InlineGrid>
          <InlineStack gap="200">
            <Button submit variant="primary">
              Apply filters
            </Button>
            <Button onClick={() => setParams(new URLSearchParams())}>Clear</Button>
          </InlineStack>
        </BlockStack>
      </form>
    </Card>
  );
}
