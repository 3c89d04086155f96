// A WhatsApp Cloud API stand-in: POST /v21.0/<phone_number_id>/messages over real HTTP on loopback. Checks the
// bearer token and the template message shape, answers like Graph API (messages[0].id = "wamid..."), or a queued
// error ({ error: { message, code } } with a status). With `phoneNumberIds` / `templates` it knows the account's
// numbers and approved templates, and refuses others as Graph API does (code 100 subcode 33; code 132001).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface CapturedWhatsApp {
  phoneNumberId: string;
  authorization: string | undefined;
  body: {
    messaging_product: string;
    to: string;
    type: string;
    template: { name: string; language: { code: string }; components: Array<{ type: string; parameters: Array<{ type: string; text: string }> }> };
    /** Our message id (Meta echoes it in status webhooks). */
    biz_opaque_callback_data?: string;
  };
}

export interface WhatsAppStandIn {
  url: string;
  token: string;
  captured: CapturedWhatsApp[];
  queue: Array<{ status: number; headers?: Record<string, string>; body: unknown }>;
  /** Answer this much after taking the message (bench/faults.ts). */
  delayMs: number;
  close(): Promise<void>;
}

export interface WhatsAppAccount {
  /** The business's phone number ids; absent = any id is accepted. */
  phoneNumberIds?: string[];
  /** Approved templates (name + language code); absent = any template is accepted. */
  templates?: Array<{ name: string; language: string }>;
}

export async function startWhatsAppStandIn(token = "EAAG-test-token", account: WhatsAppAccount = {}): Promise<WhatsAppStandIn> {
  const state = { token, captured: [] as CapturedWhatsApp[], queue: [] as WhatsAppStandIn["queue"], delayMs: 0 };
  let n = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        const write = () => {
          res.writeHead(status, { "Content-Type": "application/json", ...headers });
          res.end(JSON.stringify(body));
        };
        if (state.delayMs > 0) setTimeout(write, state.delayMs);
        else write();
      };
      const m = /^\/v21\.0\/(\d+)\/messages$/.exec(req.url ?? "");
      if (req.method !== "POST" || !m) return send(404, { error: { message: "Unknown path", code: 100 } });
      if (req.headers.authorization !== `Bearer ${state.token}`)
        return send(401, { error: { message: "Invalid OAuth access token", type: "OAuthException", code: 190 } });
      if (account.phoneNumberIds && !account.phoneNumberIds.includes(m[1])) {
        return send(400, {
          error: {
            message: `Unsupported post request. Object with ID '${m[1]}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
            type: "GraphMethodException",
            code: 100,
            error_subcode: 33,
          },
        });
      }
      let body: CapturedWhatsApp["body"];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return send(400, { error: { message: "Invalid JSON", code: 100 } });
      }
      if (
        body.messaging_product !== "whatsapp" ||
        !/^\d{7,15}$/.test(body.to ?? "") ||
        body.type !== "template" ||
        !body.template?.name ||
        !body.template.language?.code
      ) {
        return send(400, { error: { message: "(#100) Invalid parameter", code: 100 } });
      }
      if (account.templates && !account.templates.some((t) => t.name === body.template.name && t.language === body.template.language.code)) {
        return send(404, { error: { message: "(#132001) Template name does not exist in the translation", type: "OAuthException", code: 132001 } });
      }
      state.captured.push({ phoneNumberId: m[1], authorization: req.headers.authorization, body });
      const queued = state.queue.shift();
      if (queued) return send(queued.status, queued.body, queued.headers);
      n += 1;
      send(200, { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: `wamid.TEST${n}` }] });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const standIn = state as unknown as WhatsAppStandIn;
  standIn.url = `http://127.0.0.1:${port}`;
  standIn.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return standIn;
}
