// Shoppers answering: a WhatsApp reply as Meta's webhook delivers it (signed with X-Hub-Signature-256), and an email
// reply as SendGrid Inbound Parse posts it (multipart form, to the Reply-To address reply+<message id>@<domain>).
import type { ReplyChannels } from "./simulate";
import { hubSignature } from "./signing";

let seq = 0;

export function replyChannels(o: {
  appUrl: string;
  whatsappAppSecret: string;
  phoneNumberId: string;
  businessPhone: string;
  inboundToken: string;
  problem: (p: string) => void;
}): ReplyChannels {
  return {
    async whatsapp({ shopper, text, at }) {
      seq += 1;
      const from = (shopper.phone ?? "").replace(/\D/g, "");
      const body = JSON.stringify({
        object: "whatsapp_business_account",
        entry: [
          {
            id: "demo-waba",
            changes: [
              {
                field: "messages",
                value: {
                  messaging_product: "whatsapp",
                  metadata: { display_phone_number: o.businessPhone.replace(/\D/g, ""), phone_number_id: o.phoneNumberId },
                  contacts: [{ profile: { name: `${shopper.firstName} ${shopper.lastName}` }, wa_id: from }],
                  messages: [
                    { from, id: `wamid.DEMO${seq}${shopper.n}`, timestamp: String(Math.floor(at.getTime() / 1000)), type: "text", text: { body: text } },
                  ],
                },
              },
            ],
          },
        ],
      });
      const res = await fetch(`${o.appUrl}/webhooks/whatsapp`, {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-Hub-Signature-256": hubSignature(body, o.whatsappAppSecret) },
        body,
      });
      if (res.status !== 200) o.problem(`WhatsApp reply from ${shopper.label} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      else await res.arrayBuffer();
    },
    async email({ shopper, text, replyTo }) {
      seq += 1;
      const to = replyTo.replyTo ?? "hello@demo-outfitters.example";
      const form = new FormData();
      form.set("envelope", JSON.stringify({ to: [to], from: shopper.email }));
      form.set("from", `${shopper.firstName} ${shopper.lastName} <${shopper.email}>`);
      form.set("to", to);
      form.set("subject", `Re: ${replyTo.subject}`);
      form.set("text", `${text}\n\nOn an earlier day, Demo Outfitters wrote:\n> ${replyTo.subject}`);
      form.set("headers", `Message-ID: <demo-reply-${seq}-${shopper.n}@shoppers.example>\r\nSubject: Re: ${replyTo.subject}\r\n`);
      const res = await fetch(`${o.appUrl}/webhooks/inbound-email?token=${encodeURIComponent(o.inboundToken)}`, { method: "POST", body: form });
      if (res.status !== 200) o.problem(`email reply from ${shopper.label} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
      else await res.arrayBuffer();
    },
  };
}
