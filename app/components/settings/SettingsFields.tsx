// The two field kinds the Settings sections repeat: a number of the document, and a text that is null when blank.
import { TextField } from "@shopify/polaris";
import { toNumber, type Path, type SettingsDraft } from "./settings-draft";

export function NumField({
  draft,
  label,
  path,
  value,
  id,
  suffix,
}: {
  draft: SettingsDraft;
  label: string;
  path: Path;
  value: number;
  id: string;
  suffix?: string;
}) {
  return (
    <TextField
      label={label}
      id={id}
      type="number"
      value={Number.isFinite(value) ? String(value) : ""}
      onChange={(v) => draft.set(path, toNumber(v))}
      error={draft.err(path.join("."))}
      suffix={suffix}
      autoComplete="off"
    />
  );
}

export function NullableTextField({
  draft,
  label,
  path,
  value,
  id,
  help,
}: {
  draft: SettingsDraft;
  label: string;
  path: Path;
  value: string | null;
  id: string;
  help?: string;
}) {
  return (
    <TextField
      label={label}
      id={id}
      value={value ?? ""}
      onChange={(v) => draft.set(path, v.trim() === "" ? null : v)}
      error={draft.err(path.join("."))}
      helpText={help}
      autoComplete="off"
    />
  );
}
