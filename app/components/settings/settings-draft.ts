// The Settings page's draft: the document being edited, the two money fields and the tags as typed, each field's
// error from the last save, and the document a save submits (money in minor units, tags split).
import { useState, type Dispatch, type SetStateAction } from "react";
import { currencyExponent } from "../../lib/money";
import type { Settings, SettingsErrors } from "../../lib/settings";

export type Path = Array<string | number>;

export function setAt<T>(obj: T, path: Path, value: unknown): T {
  const clone = structuredClone(obj) as unknown as Record<string | number, unknown>;
  let cur = clone;
  for (let i = 0; i < path.length - 1; i++) cur = cur[path[i]] as Record<string | number, unknown>;
  cur[path[path.length - 1]] = value;
  return clone as unknown as T;
}

/** Text input -> number for the document; blank or junk becomes NaN, which the validator reports at that field. */
export const toNumber = (s: string) => (s.trim() === "" ? Number.NaN : Number(s));

/** The money fields, as typed in the shop's currency (major units). */
export interface MoneyDraft {
  minCart: string;
  highValue: string;
}

export interface SettingsDraft {
  s: Settings;
  setS: Dispatch<SetStateAction<Settings>>;
  /** Sets one value of the document (a copy: the previous draft is left as it was). */
  set: (path: Path, value: unknown) => void;
  /** The error the last save reported at this path ("cadence.steps.0.label"), if any. */
  err: (path: string) => string | undefined;
  tags: string;
  setTags: Dispatch<SetStateAction<string>>;
  money: MoneyDraft;
  setMoney: Dispatch<SetStateAction<MoneyDraft>>;
  /** What a save submits: the draft with the money fields in minor units and the tags split. */
  toDocument: () => Settings;
}

export function useSettingsDraft(initial: Settings, currency: string, errors: SettingsErrors): SettingsDraft {
  const [s, setS] = useState<Settings>(initial);
  const [tags, setTags] = useState(initial.exclusions.excludedCustomerTags.join(", "));
  const exp = currencyExponent(currency);
  const toMajor = (minor: number) => String(minor / 10 ** exp);
  const fromMajor = (major: string) => {
    const n = toNumber(major);
    return Number.isFinite(n) ? Math.round(n * 10 ** exp) : Number.NaN;
  };
  const [money, setMoney] = useState<MoneyDraft>({
    minCart: toMajor(initial.exclusions.minCartValueMinor),
    highValue: toMajor(initial.handoff.highValueThresholdMinor),
  });
  const set = (path: Path, value: unknown) => setS((prev) => setAt(prev, path, value));
  const err = (path: string) => errors[path];
  const toDocument = (): Settings => ({
    ...s,
    exclusions: {
      ...s.exclusions,
      minCartValueMinor: fromMajor(money.minCart),
      excludedCustomerTags: tags
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    },
    handoff: { ...s.handoff, highValueThresholdMinor: fromMajor(money.highValue) },
  });
  return { s, setS, set, err, tags, setTags, money, setMoney, toDocument };
}
