// The pipeline a person works: Abandoned -> Contacted (first send) -> Negotiating (reply or manual) ->
// Recovered (order) or Lost (window passed, or manual). Lost can be retried (back to Contacted).
export const STAGES = ["abandoned", "contacted", "negotiating", "recovered", "lost"] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  abandoned: "Abandoned",
  contacted: "Contacted",
  negotiating: "Negotiating",
  recovered: "Recovered",
  lost: "Lost",
};

const ALLOWED: Record<Stage, Stage[]> = {
  abandoned: ["contacted", "negotiating", "recovered", "lost"],
  contacted: ["negotiating", "recovered", "lost"],
  negotiating: ["contacted", "recovered", "lost"],
  recovered: [],
  lost: ["contacted"],
};

export function isStage(value: unknown): value is Stage {
  return typeof value === "string" && (STAGES as readonly string[]).includes(value);
}

/** A stage's label; a value that is not a stage shows as itself ("?" when empty). */
export function stageLabel(s: string): string {
  return isStage(s) ? STAGE_LABELS[s] : s || "?";
}

export function canMove(from: Stage, to: Stage): boolean {
  return ALLOWED[from].includes(to);
}

/** The advance button on a card: the next step forward and its label. */
export function nextAction(stage: Stage): { to: Stage; label: string } | null {
  switch (stage) {
    case "abandoned":
      return { to: "contacted", label: "Mark as contacted" };
    case "contacted":
      return { to: "negotiating", label: "Start negotiating" };
    case "negotiating":
      return { to: "recovered", label: "Mark as recovered" };
    case "lost":
      return { to: "contacted", label: "Retry: mark as contacted" };
    default:
      return null;
  }
}

/** Automation pauses while a person is talking to the shopper. */
export function automationPaused(stage: Stage): boolean {
  return stage === "negotiating";
}
