// Every environment variable the app reads, in one place. Secrets come only from here (never the repo, never logs).
import { z } from "zod";
import { v3Message } from "./lib/validation-messages";

const optional = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() !== "" ? v.trim() : undefined));

const EnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  SHOPIFY_API_KEY: optional,
  SHOPIFY_API_SECRET: optional,
  SHOPIFY_APP_URL: optional,
  SCOPES: optional,
  SHOP_CUSTOM_DOMAIN: optional,
  // Tests and the local demo only: replaces https://<shop> for Admin GraphQL calls ({shop} is substituted).
  // Read at call time by app/shopify/admin-graphql.server.ts. Unset in production.
  SHOPIFY_ADMIN_API_BASE_URL: optional,
  DATABASE_URL: optional,
  CRON_SECRET: optional,
  APP_ENCRYPTION_KEY: optional,
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  WEBHOOK_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(512 * 1024),
});

export type AppEnv = z.infer<typeof EnvSchema>;

let cached: AppEnv | undefined;

/** The parsed environment. Throws one readable line naming the bad variable. */
export function env(): AppEnv {
  if (cached) return cached;
  const parsed = EnvSchema.safeParse(process.env, { error: v3Message });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`Invalid environment variable ${issue.path.join(".")}: ${issue.message}`);
  }
  cached = parsed.data;
  return cached;
}

/** For tests that change process.env between cases. */
export function resetEnvCache() {
  cached = undefined;
}

/** Equal to `[access_scopes] scopes` in shopify.app.toml, where each one is justified (a test checks). */
export const DEFAULT_SCOPES = ["read_orders", "read_customers", "write_discounts", "read_themes"];
