import { Prisma } from "@prisma/client";

/** True when a Prisma error is a unique-constraint violation (the delivery was seen before). */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === "P2002";
  const msg = error instanceof Error ? error.message : String(error);
  return /UNIQUE constraint failed|duplicate key value violates unique constraint|P2002/.test(msg);
}

/** Record a delivery in the dedupe ledger; throws a unique violation when the event id was seen before. */
export async function recordWebhookEvent(tx: Prisma.TransactionClient, e: { shop: string; eventId: string; topic: string; outcome?: string }) {
  return tx.webhookEvent.create({ data: { shop: e.shop, eventId: e.eventId, topic: e.topic, outcome: e.outcome ?? "processed" } });
}
