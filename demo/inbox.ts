// What reached the shoppers and the staff, read from the stand-ins (SendGrid capture, decrypted pushes, WhatsApp
// stand-in), and a small web page to look at it: http://127.0.0.1:<port>/ lists every message; an email opens
// rendered (sandboxed, no scripts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import type { SendGridStandIn } from "../tests/helpers/standins/sendgrid";
import type { PushReceiver } from "../tests/helpers/standins/push-receiver";

export type InboxChannel = "email" | "push" | "whatsapp" | "staff";

export interface InboxItem {
  i: number;
  channel: InboxChannel;
  to: string;
  subject: string;
  preview: string;
  /** Tracked link back to the cart (/r/<token>). */
  link: string | null;
  /** Tracked link that applies the incentive, when the message carries one. */
  incentiveLink: string | null;
  code: string | null;
  stepId: string | null;
  /** Where a reply goes (the email's Reply-To). */
  replyTo: string | null;
  simTime: Date;
  html?: string;
  text?: string;
}

/** A WhatsApp message as the stand-in recorded it (normalised by the adapter in demo/standins.ts). */
export interface WhatsAppSeen {
  to: string;
  template: string | null;
  params: string[];
  text: string;
  link: string | null;
}

export interface InboxSources {
  sendgrid: SendGridStandIn | null;
  push: PushReceiver | null;
  /** subscription id (push receiver) -> shopper email, to say whose phone buzzed. */
  pushOwners: Map<string, string>;
  whatsapp: { messages: () => WhatsAppSeen[] } | null;
  staffEmail: string;
}

function firstMatch(re: RegExp, s: string): string | null {
  const m = re.exec(s);
  return m ? m[1] : null;
}

export class Inbox {
  readonly items: InboxItem[] = [];
  private seen = { email: 0, push: 0, whatsapp: 0 };
  constructor(readonly sources: InboxSources) {}

  /** Take in everything the stand-ins received since the last poll, stamped with the simulated time. */
  poll(simTime: Date): InboxItem[] {
    const fresh: InboxItem[] = [];
    const add = (it: Omit<InboxItem, "i" | "simTime">) => {
      const item = { ...it, i: this.items.length, simTime };
      this.items.push(item);
      fresh.push(item);
    };
    const sg = this.sources.sendgrid;
    if (sg) {
      for (; this.seen.email < sg.captured.length; this.seen.email++) {
        const b = sg.captured[this.seen.email].body;
        const to = b.personalizations?.[0]?.to?.[0]?.email ?? "?";
        const text = b.content.find((c) => c.type === "text/plain")?.value ?? "";
        const html = b.content.find((c) => c.type === "text/html")?.value ?? "";
        const staff = to.toLowerCase() === this.sources.staffEmail.toLowerCase() || b.custom_args?.kind === "staff_alert";
        const step = (b.categories ?? []).map((c) => /^step-(.+)$/.exec(c)?.[1]).find(Boolean) ?? null;
        add({
          channel: staff ? "staff" : "email",
          to,
          subject: b.subject,
          preview: text
            .split("\n")
            .filter((l) => l.trim())
            .slice(2, 3)
            .join(" ")
            .slice(0, 140),
          link: firstMatch(/Return to your cart: (\S+)/, text),
          incentiveLink: firstMatch(/Apply it: (\S+)/, text),
          code: firstMatch(/with code (\S+) \(valid/, text),
          stepId: step,
          replyTo: b.reply_to?.email ?? null,
          html,
          text,
        });
      }
    }
    const pr = this.sources.push;
    if (pr) {
      for (; this.seen.push < pr.received.length; this.seen.push++) {
        const r = pr.received[this.seen.push];
        const p = r.payload as { title?: string; body?: string; url?: string };
        add({
          channel: "push",
          to: this.sources.pushOwners.get(r.subscriptionId) ?? r.subscriptionId,
          subject: String(p.title ?? ""),
          preview: String(p.body ?? ""),
          link: typeof p.url === "string" ? p.url : null,
          incentiveLink: null,
          code: null,
          stepId: null,
          replyTo: null,
        });
      }
    }
    const wa = this.sources.whatsapp;
    if (wa) {
      const all = wa.messages();
      for (; this.seen.whatsapp < all.length; this.seen.whatsapp++) {
        const m = all[this.seen.whatsapp];
        add({
          channel: "whatsapp",
          to: m.to,
          subject: m.template ?? "WhatsApp",
          preview: m.text.slice(0, 160),
          link: m.link,
          incentiveLink: null,
          code: null,
          stepId: null,
          replyTo: null,
        });
      }
    }
    return fresh;
  }

  countBy(channel: InboxChannel): number {
    return this.items.filter((i) => i.channel === channel).length;
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export interface ViewerLinks {
  adminUrl: string;
  pages: Array<{ label: string; path: string }>;
}

function page(inbox: Inbox, links: ViewerLinks): string {
  const rows = [...inbox.items]
    .reverse()
    .map((it) => {
      const open = it.channel === "email" || it.channel === "staff" ? `<a href="/message/${it.i}">open</a>` : "";
      return `<tr class="${it.channel}"><td>${esc(it.simTime.toISOString().slice(0, 16).replace("T", " "))}</td><td><span class="ch">${it.channel}</span></td><td>${esc(it.to)}</td><td><b>${esc(it.subject)}</b><br><small>${esc(it.preview)}</small>${it.code ? `<br><small>code <code>${esc(it.code)}</code></small>` : ""}</td><td>${open}</td></tr>`;
    })
    .join("\n");
  const counts = (["email", "push", "whatsapp", "staff"] as const).map((c) => `${c}: ${inbox.countBy(c)}`).join(" · ");
  const nav = links.pages.map((p) => `<a href="${esc(links.adminUrl + p.path)}">${esc(p.label)}</a>`).join(" · ");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Demo inbox</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#202223}table{border-collapse:collapse;width:100%}td{border-top:1px solid #e1e3e5;padding:6px 8px;vertical-align:top}
.ch{display:inline-block;padding:1px 6px;border-radius:8px;background:#e4e5e7;font-size:12px}.push .ch{background:#e0f0ff}.whatsapp .ch{background:#dcf8c6}.staff .ch{background:#ffd79d}small{color:#6d7175}</style></head>
<body><h1>Demo inbox</h1><p>Everything the app sent during the simulation, as the local stand-ins received it (emails captured by the SendGrid stand-in, pushes decrypted by the push receiver, WhatsApp messages at the Cloud API stand-in). Times are simulated.</p>
<p>${esc(counts)}</p><p>Merchant admin (demo shop): ${nav}</p>
<table><thead><tr><td>sim time</td><td>channel</td><td>to</td><td>message</td><td></td></tr></thead><tbody>${rows}</tbody></table></body></html>`;
}

/** The inbox web page on loopback. */
export async function startInboxViewer(inbox: Inbox, links: ViewerLinks, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://inbox.invalid");
    if (url.pathname === "/") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
      return res.end(page(inbox, links));
    }
    const m = /^\/message\/(\d+)$/.exec(url.pathname);
    const item = m ? inbox.items[Number(m[1])] : undefined;
    if (item && (item.html || item.text)) {
      // The email as a mail client would show it: no scripts, nothing fetched but images.
      res.writeHead(200, {
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src * data:; style-src 'unsafe-inline'",
      });
      return res.end(item.html || `<pre>${esc(item.text ?? "")}</pre>`);
    }
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
  });
  await new Promise<void>((r) => server.listen(port, "127.0.0.1", r));
  const { port: p } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${p}/`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
