// Structured logs (pino, JSON lines). Never log secrets or message bodies; shopper addresses are masked.
import pino from "pino";
import { logLevel } from "../scripts/server-log.mjs";

export const log = pino({
  level: logLevel(),
  base: { app: "checkout-recovery" },
  redact: {
    paths: ["*.accessToken", "*.token", "*.secret", "*.apiKey", "*.authorization", "*.password", "headers.authorization"],
    censor: "[redacted]",
  },
});

export function maskEmail(email: string | null | undefined): string | undefined {
  if (!email) return undefined;
  const [user, domain] = email.split("@");
  if (!domain) return "***";
  return `${user.slice(0, 1)}***@${domain}`;
}
