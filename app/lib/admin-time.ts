// How the admin pages show a moment: in the browser's time zone, US English month names. Pure.

/** "Nov 20, 02:15 PM" (pipeline cards, logs); "" for no moment. */
export function formatWhen(iso: string | null): string {
  if (!iso) return "";
  return new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
}

/** "Nov 20, 2026, 02:15 PM" (a checkout's detail page: its timeline and history span years). */
export function formatWhenWithYear(iso: string): string {
  return new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", year: "numeric", hour: "2-digit", minute: "2-digit" });
}
