// An Inbound Parse post read as a reply (app/lib/inbound-email.ts): sender, the message it answers, the new text,
// and the key that makes a redelivery a duplicate. The route's own tests (tests/integration/channels-whatsapp-replies)
// cover the request checks and what is recorded.
import { describe, expect, it } from "vitest";
import { parseInboundEmail } from "../../app/lib/inbound-email";

const form = (fields: Record<string, string>) => (name: string) => fields[name] ?? "";

describe("an inbound email as a reply", () => {
  it("takes the sender and our message id from the envelope, and keeps only what the shopper wrote", () => {
    const r = parseInboundEmail(
      form({
        envelope: JSON.stringify({ from: "Ada@Example.com", to: ["reply+msg_12345678@reply.example"] }),
        text: "Is there a discount?\n\nOn Mon, 1 Dec 2026 at 10:00, Shop <hello@shop.example> wrote:\n> Your cart",
        headers: "Subject: Re\r\nMessage-ID: <abc@mail.example>\r\n",
      }),
    );
    expect(r).toEqual({
      kind: "reply",
      from: "ada@example.com",
      messageId: "msg_12345678",
      text: "Is there a discount?",
      providerMessageId: "email:<abc@mail.example>",
    });
  });

  it("falls back to the From and To headers and to the HTML part", () => {
    const r = parseInboundEmail(
      form({ from: "Ada <ada@example.com>", to: "Shop <reply+abcdefgh@reply.example>", html: "<p>Hi &amp; thanks</p><script>x()</script>" }),
    );
    expect(r).toMatchObject({ kind: "reply", from: "ada@example.com", messageId: "abcdefgh", text: "Hi & thanks" });
  });

  it("keys a mail without Message-ID by sender, subject and text (the same mail twice is one reply)", () => {
    const a = parseInboundEmail(form({ from: "ada@example.com", subject: "Re", text: "Hello" }));
    const b = parseInboundEmail(form({ from: "ada@example.com", subject: "Re", text: "Hello" }));
    const c = parseInboundEmail(form({ from: "ada@example.com", subject: "Re", text: "Hello again" }));
    expect(a.kind === "reply" && a.providerMessageId).toMatch(/^email:[0-9a-f]{64}$/);
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
  });

  it("ignores a mail without a sender or without new text, and an envelope that is not JSON", () => {
    expect(parseInboundEmail(form({ text: "Hello" }))).toEqual({ kind: "ignored", outcome: "no_sender" });
    expect(parseInboundEmail(form({ from: "ada@example.com", text: "> only the quote" }))).toEqual({ kind: "ignored", outcome: "empty" });
    expect(parseInboundEmail(form({ envelope: "{nope", from: "ada@example.com", text: "Hi" }))).toMatchObject({
      kind: "reply",
      from: "ada@example.com",
      messageId: null,
    });
  });

  it("ignores a reply+ address whose id is too short to be ours", () => {
    expect(parseInboundEmail(form({ from: "ada@example.com", to: "reply+abc@reply.example", text: "Hi" }))).toMatchObject({ messageId: null });
  });
});
