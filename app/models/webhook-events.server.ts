import type { Prisma } from "@prisma/client";

/**
 * True when a Prisma error is a unique-constraint violation (the delivery was seen before). Duck-typed: the
 * PostgreSQL client is generated separately and has its own error classes.
 */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

/** Record a delivery in the dedupe ledger; throws a unique violation when the event id was seen before. */
export async function recordWebhookEvent(tx: Prisma.TransactionClient, e: { shop: string; eventId: string; topic: string; outcome?: string }) {
  return tx.webhookEvent.create({ data: { shop: e.shop, eventId: e.eventId, topic: e.topic, outcome: e.outcome ?? "processed" } });
}
