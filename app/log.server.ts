// Structured logs (pino, JSON lines). Never log secrets or message bodies; shopper addresses are masked.
import pino from "pino";

export const log = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === "test" ? "silent" : "info"),
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
