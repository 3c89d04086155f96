// How a recovery is attributed: an order counts as recovered when it completes a checkout to which we had sent at
// least one message (delivered or not), and the order came within ATTRIBUTION_WINDOW_DAYS of the last message sent
// before it. The message credited is the last one sent before the order.
export const ATTRIBUTION_WINDOW_DAYS = 7;

export const SENT_STATUSES = ["sent", "delivered", "opened", "clicked"] as const;

export function isAttributable(lastSentAt: Date | null | undefined, orderAt: Date): boolean {
  if (!lastSentAt) return false;
  const age = orderAt.getTime() - lastSentAt.getTime();
  return age >= 0 && age <= ATTRIBUTION_WINDOW_DAYS * 24 * 3600_000;
}
