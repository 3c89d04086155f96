// Money and quantity columns are 64-bit (BIGINT) on both databases, and Prisma reads them as JavaScript bigint. The
// app works in numbers: every amount that can be stored is at most MAX_MINOR_UNITS (10^15, app/lib/money.ts), below
// 2^53, so the conversion here is exact. Models convert at their boundary, so nothing outside app/models sees a
// bigint (a bigint in a loader's json() would throw; Math and formatting take numbers). Shop.orderRevenueMinor, a
// lifetime sum, stays bigint (app/lib/scoring.ts averageOrderMinor takes either).

/** A row type with its bigint fields as numbers (nullable ones stay nullable). */
export type Int64AsNumber<T> = {
  [K in keyof T]: T[K] extends bigint ? number : T[K] extends bigint | null ? number | null : T[K];
};

/** A 64-bit column's value (bigint from Prisma, bigint or text from raw SQL on PostgreSQL, number on SQLite). */
export function int64(v: bigint | number | string): number {
  return typeof v === "number" ? v : Number(v);
}

export function int64OrNull(v: bigint | number | string | null | undefined): number | null {
  return v === null || v === undefined ? null : int64(v);
}

/** The row with every bigint field as a number (one level: convert included relations with their own call). */
export function withNumbers<T extends object>(row: T): Int64AsNumber<T> {
  const out: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const k of Object.keys(out)) if (typeof out[k] === "bigint") out[k] = Number(out[k]);
  return out as Int64AsNumber<T>;
}
