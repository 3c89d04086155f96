// Frequency cap: at most `maxMessages` messages to one shopper (every checkout, every channel) in `perHours`.
// Channels of a step that do not fit are skipped with the reason "frequency_cap" (the step is not delayed).
import type { Settings } from "./settings";

export function capWindowStart(now: Date, cap: Settings["frequencyCap"]): Date {
  return new Date(now.getTime() - cap.perHours * 3600_000);
}

/** How many more messages the shopper may get now, given how many were sent since capWindowStart. */
export function capRemaining(sentInWindow: number, cap: Settings["frequencyCap"]): number {
  return Math.max(0, cap.maxMessages - sentInWindow);
}

/** Split a step's channels into those that fit under the cap (in order) and those that do not. */
export function applyCap<T>(channels: T[], remaining: number): { allowed: T[]; capped: T[] } {
  const n = Math.max(0, remaining);
  return { allowed: channels.slice(0, n), capped: channels.slice(n) };
}
