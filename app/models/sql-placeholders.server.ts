// Raw SQL written once for both databases: `?` placeholders, turned into `$1..$n` on PostgreSQL.
import { dbProvider } from "../db.server";

export function placeholders(text: string): string {
  if (dbProvider !== "postgresql") return text;
  let n = 0;
  return text.replace(/\?/g, () => `$${++n}`);
}
