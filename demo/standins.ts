// The local stand-ins the demo server talks to instead of SendGrid, push services, WhatsApp and Shopify's Admin API.
// They are the ones the test suite uses (tests/helpers/standins/), started here on loopback.
import fs from "node:fs";
import path from "node:path";
import type { DemoStandinUrls } from "./demo.server";
import { startAdminGraphqlStandin, type AdminGraphqlStandin } from "../tests/helpers/standins/admin-graphql";
import { modelOrders } from "../tests/helpers/standins/admin-graphql-orders";
import { documentedShop, registerShopProfile } from "../tests/helpers/standins/shop-profile";
import { registerMainTheme } from "../tests/helpers/standins/themes";
import { startPushReceiver, type PushReceiver } from "../tests/helpers/standins/push-receiver";
import { startSendGridStandIn, type SendGridStandIn } from "../tests/helpers/standins/sendgrid";
import { startWhatsAppStandIn, type WhatsAppStandIn } from "../tests/helpers/standins/whatsapp";
import type { WhatsAppSeen } from "./inbox";
import { onCleanup } from "./processes";

export const SENDGRID_KEY = "SG.demo-key";
export const WHATSAPP_TOKEN = "EAADemoWhatsAppToken";

export interface DemoStandins {
  sendgrid: SendGridStandIn;
  push: PushReceiver;
  admin: AdminGraphqlStandin;
  whatsapp: WhatsAppStandIn;
  urls: DemoStandinUrls;
}

/** What the WhatsApp stand-in received, in the inbox's terms (template parameters; the tracked link if one is there). */
export function whatsappSeen(w: WhatsAppStandIn): WhatsAppSeen[] {
  return w.captured.map((c) => {
    const params = (c.body.template.components ?? []).flatMap((comp) => (comp.parameters ?? []).map((p) => p.text));
    const link = params.map((p) => /https?:\/\/\S+\/r\/[A-Za-z0-9._~-]+/.exec(p)?.[0]).find(Boolean) ?? null;
    return { to: `+${c.body.to}`, template: c.body.template.name, params, text: params.join(" | "), link };
  });
}

/** What the Admin API says about the demo shop: the same details demo/shop.ts stores at its install. */
export function demoShopProfile(domain: string) {
  return documentedShop(domain, {
    name: "Demo Outfitters",
    email: "owner@demo-outfitters.example",
    contactEmail: "hello@demo-outfitters.example",
    currencyCode: "USD",
    ianaTimezone: "America/New_York",
    billingAddress: {
      company: null,
      address1: "12 Harbour Street",
      address2: null,
      city: "Portland",
      province: "Maine",
      provinceCode: "ME",
      zip: "04101",
      country: "United States",
      countryCodeV2: "US",
    },
    plan: { publicDisplayName: "Development", partnerDevelopment: true, shopifyPlus: false },
  });
}

export async function startStandins(dir: string, o: { adminToken: string; whatsappAppSecret: string }): Promise<DemoStandins> {
  const sendgrid = await startSendGridStandIn(SENDGRID_KEY);
  onCleanup("SendGrid stand-in", () => sendgrid.close());
  const push = await startPushReceiver();
  onCleanup("push receiver", () => push.close());
  const caFile = path.join(dir, "push-receiver-ca.pem");
  fs.writeFileSync(caFile, push.ca);
  const admin = await startAdminGraphqlStandin({ token: o.adminToken });
  modelOrders(admin); // the tick's reconciliation reads orders and abandoned checkouts (none lost in the demo)
  onCleanup("Admin GraphQL stand-in", () => admin.close());
  // The demo shop's profile, as Shopify would answer it ("Reload from Shopify" in Settings); see demo/shop.ts.
  registerShopProfile(admin, { fallback: demoShopProfile });
  // The demo store's live theme has the push prompt embed on (the demo's shoppers subscribe through it).
  registerMainTheme(admin, { embedOn: true });
  const whatsapp = await startWhatsAppStandIn(WHATSAPP_TOKEN);
  onCleanup("WhatsApp stand-in", () => whatsapp.close());
  return {
    sendgrid,
    push,
    admin,
    whatsapp,
    urls: {
      sendgrid: { baseUrl: sendgrid.url, apiKey: SENDGRID_KEY },
      push: { hosts: [new URL(push.origin).hostname], caCertFile: caFile },
      adminGraphql: { baseUrl: admin.baseUrl },
      whatsapp: { baseUrl: whatsapp.url, accessToken: WHATSAPP_TOKEN, appSecret: o.whatsappAppSecret, verifyToken: "demo-verify-token" },
    },
  };
}
