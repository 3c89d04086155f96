// A SendGrid-compatible stand-in for POST /v3/mail/send over real HTTP on loopback. It checks what SendGrid checks
// (Bearer API key, personalizations with a recipient, a from address, a subject, text/plain before text/html,
// header names and values) and answers like SendGrid: 202 with X-Message-Id, or a queued failure (429 with
// X-RateLimit-Reset, 5xx, 400 with an errors array).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedMail {
  authorization: string | undefined;
  body: {
    personalizations: Array<{ to: Array<{ email: string; name?: string }> }>;
    from: { email: string; name?: string };
    reply_to?: { email: string };
    subject: string;
    content: Array<{ type: string; value: string }>;
    headers?: Record<string, string>;
    custom_args?: Record<string, string>;
    categories?: string[];
    tracking_settings?: Record<string, unknown>;
  };
}

export interface QueuedReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface SendGridStandIn {
  url: string;
  apiKey: string;
  captured: CapturedMail[];
  /** Replies used (in order) for the next requests instead of 202. */
  queue: QueuedReply[];
  /** Keep only a count (bench). */
  countOnly: boolean;
  /** Answer this much after taking the message (bench/faults.ts: so a kill lands while sends are in flight). */
  delayMs: number;
  count: number;
  close(): Promise<void>;
}

function validate(body: CapturedMail["body"]): string | null {
  if (!Array.isArray(body.personalizations) || body.personalizations.length < 1 || body.personalizations.length > 1000)
    return "personalizations: 1 to 1000 required";
  for (const p of body.personalizations)
    if (!Array.isArray(p.to) || !p.to.length || !p.to.every((t) => /@/.test(t.email))) return "personalizations.to: an email is required";
  if (!body.from?.email || !/@/.test(body.from.email)) return "from.email is required";
  if (!body.subject) return "subject is required";
  if (!Array.isArray(body.content) || !body.content.length) return "content is required";
  if (body.content[0].type !== "text/plain") return "content: text/plain must come first";
  for (const [k, v] of Object.entries(body.headers ?? {})) {
    if (/[\r\n]/.test(k) || /[\r\n]/.test(String(v))) return `headers.${k}: no line breaks allowed`;
    if (
      [
        "x-sg-id",
        "x-sg-eid",
        "received",
        "dkim-signature",
        "content-type",
        "content-transfer-encoding",
        "to",
        "from",
        "subject",
        "reply-to",
        "cc",
        "bcc",
      ].includes(k.toLowerCase())
    )
      return `headers.${k}: reserved`;
  }
  return null;
}

export async function startSendGridStandIn(apiKey = "SG.test-key"): Promise<SendGridStandIn> {
  let n = 0;
  const state: Omit<SendGridStandIn, "url" | "close"> = { apiKey, captured: [], queue: [], countOnly: false, count: 0, delayMs: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const later = (fn: () => void) => (state.delayMs > 0 ? void setTimeout(fn, state.delayMs) : fn());
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        later(() => {
          res.writeHead(status, { "Content-Type": "application/json", ...headers });
          res.end(body === undefined ? "" : JSON.stringify(body));
        });
      if (req.method !== "POST" || req.url !== "/v3/mail/send") return send(404, { errors: [{ message: "not found" }] });
      if (req.headers.authorization !== `Bearer ${state.apiKey}`)
        return send(401, { errors: [{ message: "The provided authorization grant is invalid, expired, or revoked" }] });
      let body: CapturedMail["body"];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, { errors: [{ message: "Bad Request", field: null }] });
      }
      const problem = validate(body);
      if (problem) return send(400, { errors: [{ message: problem, field: problem.split(":")[0] }] });
      state.count += 1;
      if (!state.countOnly) state.captured.push({ authorization: req.headers.authorization, body });
      const queued = state.queue.shift();
      if (queued) return send(queued.status, queued.body, queued.headers);
      n += 1;
      const id = `sg-msg-${n}`;
      later(() => {
        res.writeHead(202, { "X-Message-Id": id });
        res.end();
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const standIn = state as SendGridStandIn;
  standIn.url = `http://127.0.0.1:${port}/`;
  standIn.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return standIn;
}
