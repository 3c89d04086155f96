// Links into the embedded app inside the Shopify admin (staff alerts, emails to the team). One builder, so every
// alert opens the same place: https://admin.shopify.com/store/<store>/apps/<app>/app/...
/** The store's name in admin URLs: "demo-outfitters" for demo-outfitters.myshopify.com. */
export function adminStoreName(shop: string): string {
  return shop.replace(/\.myshopify\.com$/, "");
}

/** A checkout's detail page, inside the embedded admin. `app`: the app's API key (client id) or handle. */
export function adminCheckoutUrl(shop: string, checkoutId: string, app: string | undefined): string {
  return `https://admin.shopify.com/store/${encodeURIComponent(adminStoreName(shop))}/apps/${encodeURIComponent(app ?? "checkout-recovery")}/app/checkouts/${encodeURIComponent(checkoutId)}`;
}

/** The live theme's editor with the app embed `activateAppId` ("<api key>/<block handle>") ready to be turned on. */
export function adminThemeEditorUrl(shop: string, activateAppId: string): string {
  return `https://admin.shopify.com/store/${adminStoreName(shop)}/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(activateAppId)}`;
}
