// The recovery email and the staff alert email, rendered as HTML (table layout, inline styles, no scripts) and plain
// text. Pure. Every merchant- or shopper-provided value goes through escapeHtml (text) or safeUrl (attributes).
import { EMAIL_LINE_ITEMS, moreItemsText, summarizeItems } from "./line-items";
import { formatMoney } from "./money";
import type { LineItemRecord } from "./shopify-payloads";

export function escapeHtml(value: string | number | null | undefined): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/** An https (or http) URL, escaped for an attribute; anything else (javascript:, data:) becomes null. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol !== "https:" && u.protocol !== "http:") return null;
    return escapeHtml(u.toString());
  } catch {
    return null;
  }
}

/** A #RRGGBB colour, or the default. */
function safeColor(c: string | null | undefined): string {
  return c && /^#[0-9a-fA-F]{6}$/.test(c) ? c : "#008060";
}

/** One line for headers (subject): no CR/LF, trimmed, at most 150 chars. */
export function headerSafe(value: string): string {
  return value
    .replace(/[\r\n\t]+/g, " ")
    .replace(/\s{2,}/g, " ")
    .trim()
    .slice(0, 150);
}

export interface EmailBrand {
  shopName: string;
  logoUrl: string | null;
  accentColor: string;
  postalAddress: string | null;
}

export interface RecoveryEmailInput {
  brand: EmailBrand;
  firstName: string | null;
  locale: string | null;
  currency: string;
  /** The stored items: the email lists the first EMAIL_LINE_ITEMS, then "and M more items" (app/lib/line-items.ts). */
  items: LineItemRecord[];
  /** The cart's quantity of all items (lineItemCount); absent: the listed items' quantity. */
  itemCount?: number;
  subtotalMinor: number;
  totalMinor: number;
  step: { index: number; isFinal: boolean; label?: string };
  incentive: { code: string; description: string; endsAt: Date; applyLink: string } | null;
  links: { recover: string; unsubscribe: string; openPixel: string | null };
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

function money(minor: number, currency: string, locale: string | null): string {
  const loc = locale && /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/i.test(locale) ? locale : "en-US";
  return formatMoney(minor, currency, loc);
}

/** A subject per step: first reminder, incentive, last chance, and the ones between. */
export function subjectFor(input: Pick<RecoveryEmailInput, "brand" | "step" | "incentive" | "items">): string {
  const shop = input.brand.shopName || "our store";
  const first = input.items[0]?.title;
  if (input.incentive) return headerSafe(`${input.incentive.description} on your cart at ${shop}`.replace(/^(.)/, (m) => m.toUpperCase()));
  if (input.step.isFinal) return headerSafe(`Last chance: your cart at ${shop} is about to expire`);
  if (input.step.index === 0) return headerSafe(first ? `You left ${first} in your cart` : `You left something in your cart at ${shop}`);
  return headerSafe(`Still thinking it over? Your cart at ${shop} is saved`);
}

function intro(input: RecoveryEmailInput): { heading: string; body: string } {
  const name = input.firstName ? `Hi ${input.firstName},` : "Hi,";
  if (input.step.isFinal)
    return {
      heading: "Last chance to complete your order",
      body: `${name} your cart will not be held much longer. Everything is still there, ready when you are.`,
    };
  if (input.incentive)
    return { heading: "A little something to help you decide", body: `${name} here is ${input.incentive.description} on the items waiting in your cart.` };
  if (input.step.index === 0) return { heading: "You left something behind", body: `${name} we saved your cart so you can pick up right where you left off.` };
  return { heading: "Your cart is still waiting", body: `${name} the items you picked are saved. Complete your order whenever you are ready.` };
}

export function renderRecoveryEmail(input: RecoveryEmailInput): RenderedEmail {
  const accent = safeColor(input.brand.accentColor);
  const shop = input.brand.shopName || "Our store";
  const { heading, body } = intro(input);
  const recoverHref = safeUrl(input.links.recover) ?? "#";
  const unsubHref = safeUrl(input.links.unsubscribe) ?? "#";
  const logo = safeUrl(input.brand.logoUrl);
  const fmt = (m: number) => money(m, input.currency, input.locale);

  const listed = summarizeItems(input.items, input.itemCount, EMAIL_LINE_ITEMS);
  const moreRow =
    listed.moreUnits > 0
      ? `\n<tr><td colspan="3" style="padding:4px 0 8px;font-size:14px;color:#6d7175;">${escapeHtml(moreItemsText(listed.moreUnits))}</td></tr>`
      : "";
  const rows =
    listed.shown
      .map((li) => {
        const img = safeUrl(li.imageUrl);
        const imgCell = img
          ? `<img src="${img}" width="64" height="64" alt="${escapeHtml(li.title)}" style="display:block;border:0;border-radius:4px;width:64px;height:64px;object-fit:cover;">`
          : `<div style="width:64px;height:64px;background:#f1f1f1;border-radius:4px;"></div>`;
        const variant = li.variantTitle ? `<div style="color:#6d7175;font-size:13px;">${escapeHtml(li.variantTitle)}</div>` : "";
        return `<tr>
<td width="72" valign="top" style="padding:8px 8px 8px 0;">${imgCell}</td>
<td valign="top" style="padding:8px 0;font-size:15px;color:#202223;"><div style="font-weight:600;">${escapeHtml(li.title)}</div>${variant}<div style="color:#6d7175;font-size:13px;">Quantity: ${escapeHtml(li.quantity)}</div></td>
<td valign="top" align="right" style="padding:8px 0;font-size:15px;color:#202223;white-space:nowrap;">${escapeHtml(fmt(li.priceMinor * li.quantity))}</td>
</tr>`;
      })
      .join("\n") + moreRow;

  const inc = input.incentive;
  const incHref = inc ? (safeUrl(inc.applyLink) ?? recoverHref) : null;
  const incentiveBlock = inc
    ? `<tr><td style="padding:16px 24px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="border:2px dashed ${accent};border-radius:6px;">
<tr><td align="center" style="padding:16px;font-family:Arial,Helvetica,sans-serif;">
<div style="font-size:15px;color:#202223;">${escapeHtml(inc.description)} with code</div>
<div style="font-size:24px;font-weight:700;letter-spacing:2px;color:${accent};padding:8px 0;">${escapeHtml(inc.code)}</div>
<div style="font-size:13px;color:#6d7175;">Valid until ${escapeHtml(inc.endsAt.toUTCString())}</div>
<div style="padding-top:10px;"><a href="${incHref}" style="color:${accent};font-size:14px;font-weight:600;">Apply the code and check out</a></div>
</td></tr></table></td></tr>`
    : "";

  const pixel =
    input.links.openPixel && safeUrl(input.links.openPixel)
      ? `<img src="${safeUrl(input.links.openPixel)}" width="1" height="1" alt="" style="display:block;border:0;width:1px;height:1px;">`
      : "";
  const address = input.brand.postalAddress ? `<div>${escapeHtml(input.brand.postalAddress)}</div>` : "";

  const html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(shop)}</title></head>
<body style="margin:0;padding:0;background:#f6f6f7;">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0" style="background:#f6f6f7;"><tr><td align="center" style="padding:24px 8px;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;font-family:Arial,Helvetica,sans-serif;">
<tr><td align="center" style="padding:24px 24px 8px;border-top:4px solid ${accent};border-radius:8px 8px 0 0;">${logo ? `<img src="${logo}" alt="${escapeHtml(shop)}" height="48" style="display:block;border:0;height:48px;">` : `<div style="font-size:22px;font-weight:700;color:${accent};">${escapeHtml(shop)}</div>`}</td></tr>
<tr><td style="padding:8px 24px;"><h1 style="margin:0 0 8px;font-size:22px;color:#202223;">${escapeHtml(heading)}</h1><p style="margin:0;font-size:15px;line-height:22px;color:#202223;">${escapeHtml(body)}</p></td></tr>
<tr><td style="padding:8px 24px;"><table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">
${rows}
<tr><td colspan="2" style="padding:12px 0 0;border-top:1px solid #e1e3e5;font-size:15px;font-weight:700;color:#202223;">Total</td><td align="right" style="padding:12px 0 0;border-top:1px solid #e1e3e5;font-size:15px;font-weight:700;color:#202223;white-space:nowrap;">${escapeHtml(fmt(input.totalMinor))}</td></tr>
</table></td></tr>
${incentiveBlock}
<tr><td align="center" style="padding:16px 24px 24px;"><table role="presentation" cellpadding="0" cellspacing="0" border="0"><tr><td align="center" bgcolor="${accent}" style="border-radius:6px;"><a href="${recoverHref}" style="display:inline-block;padding:14px 28px;font-size:16px;font-weight:700;color:#ffffff;text-decoration:none;border-radius:6px;">Return to your cart</a></td></tr></table></td></tr>
<tr><td style="padding:16px 24px;border-top:1px solid #e1e3e5;font-size:12px;line-height:18px;color:#6d7175;" align="center">
<div>${escapeHtml(shop)}</div>${address}
<div style="padding-top:8px;">You received this because you started a checkout at ${escapeHtml(shop)}. <a href="${unsubHref}" style="color:#6d7175;">Unsubscribe</a></div>
</td></tr>
</table>${pixel}
</td></tr></table>
</body></html>`;

  const lines: string[] = [shop, "", heading, "", body, ""];
  for (const li of listed.shown) {
    lines.push(`- ${li.title}${li.variantTitle ? ` (${li.variantTitle})` : ""} x ${li.quantity}: ${fmt(li.priceMinor * li.quantity)}`);
  }
  if (listed.moreUnits > 0) lines.push(`  ${moreItemsText(listed.moreUnits)}`);
  lines.push("", `Total: ${fmt(input.totalMinor)}`, "");
  if (inc) lines.push(`${inc.description} with code ${inc.code} (valid until ${inc.endsAt.toUTCString()})`, `Apply it: ${inc.applyLink}`, "");
  lines.push(`Return to your cart: ${input.links.recover}`, "", "--", shop);
  if (input.brand.postalAddress) lines.push(input.brand.postalAddress);
  lines.push(`Unsubscribe: ${input.links.unsubscribe}`);

  return { subject: subjectFor(input), html, text: lines.join("\n") };
}

export interface StaffAlertEmailInput {
  shopName: string;
  reason: string;
  summary: string;
  adminUrl: string;
  customer: { name: string | null; email: string | null; phone: string | null };
  currency: string;
  items: LineItemRecord[];
  /** The cart's quantity of all items; the alert lists the first EMAIL_LINE_ITEMS. */
  itemCount?: number;
  totalMinor: number;
}

const REASONS: Record<string, string> = {
  high_value: "High-value cart",
  returning_customer: "Returning customer",
  failed_payment: "Failed payment",
  reply: "Shopper replied",
};

export function renderStaffAlertEmail(a: StaffAlertEmailInput): RenderedEmail {
  const reason = REASONS[a.reason] ?? a.reason;
  const fmt = (m: number) => formatMoney(m, a.currency);
  const who = a.customer.name || a.customer.email || a.customer.phone || "A shopper";
  const subject = headerSafe(`[${a.shopName}] ${reason}: ${who}, ${fmt(a.totalMinor)}`);
  const listed = summarizeItems(a.items, a.itemCount, EMAIL_LINE_ITEMS);
  const more = listed.moreUnits > 0 ? moreItemsText(listed.moreUnits) : null;
  const rows =
    listed.shown
      .map(
        (li) =>
          `<tr><td style="padding:4px 0;font-size:14px;">${escapeHtml(li.title)}${li.variantTitle ? ` <span style="color:#6d7175;">(${escapeHtml(li.variantTitle)})</span>` : ""} x ${escapeHtml(li.quantity)}</td><td align="right" style="padding:4px 0;font-size:14px;">${escapeHtml(fmt(li.priceMinor * li.quantity))}</td></tr>`,
      )
      .join("\n") + (more ? `\n<tr><td colspan="2" style="padding:4px 0;font-size:14px;color:#6d7175;">${escapeHtml(more)}</td></tr>` : "");
  const admin = safeUrl(a.adminUrl) ?? "#";
  const html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="margin:0;padding:16px;background:#f6f6f7;font-family:Arial,Helvetica,sans-serif;">
<table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background:#ffffff;border-radius:8px;">
<tr><td style="padding:20px;"><h1 style="margin:0 0 8px;font-size:18px;color:#202223;">${escapeHtml(reason)}</h1>
<p style="margin:0 0 12px;font-size:14px;color:#202223;white-space:pre-wrap;">${escapeHtml(a.summary)}</p>
<p style="margin:0 0 12px;font-size:14px;color:#202223;">${escapeHtml(who)}${a.customer.email ? ` &middot; ${escapeHtml(a.customer.email)}` : ""}${a.customer.phone ? ` &middot; ${escapeHtml(a.customer.phone)}` : ""}</p>
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">${rows}
<tr><td style="padding:8px 0 0;border-top:1px solid #e1e3e5;font-weight:700;">Total</td><td align="right" style="padding:8px 0 0;border-top:1px solid #e1e3e5;font-weight:700;">${escapeHtml(fmt(a.totalMinor))}</td></tr></table>
<p style="margin:16px 0 0;"><a href="${admin}" style="color:#008060;font-weight:700;">Open the checkout in the app</a></p>
</td></tr></table></body></html>`;
  const text = [
    `${reason}`,
    "",
    a.summary,
    "",
    `${who}${a.customer.email ? ` · ${a.customer.email}` : ""}${a.customer.phone ? ` · ${a.customer.phone}` : ""}`,
    ...listed.shown.map((li) => `- ${li.title}${li.variantTitle ? ` (${li.variantTitle})` : ""} x ${li.quantity}: ${fmt(li.priceMinor * li.quantity)}`),
    ...(more ? [`  ${more}`] : []),
    `Total: ${fmt(a.totalMinor)}`,
    "",
    `Open the checkout: ${a.adminUrl}`,
  ].join("\n");
  return { subject, html, text };
}
