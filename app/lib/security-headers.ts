// Headers every answer carries, set in one place (app/entry.server.tsx for documents and data; server.mjs adds
// nosniff to static files too):
// - X-Content-Type-Options: nosniff everywhere, so no answer is ever read as another type.
// - Cache-Control: no-store on admin documents and data (a merchant's shoppers and figures are never cached by a
//   browser or a proxy between the admin and us).
// - Content-Security-Policy frame-ancestors on every document: admin pages only inside the Shopify admin (the
//   library sets the shop's own admin when the request names the shop; we keep the admin's host otherwise), and
//   every other page (unsubscribe, preferences) in no frame at all.

export const ADMIN_FRAME_ANCESTORS = "frame-ancestors https://admin.shopify.com;";
export const NO_FRAME = "frame-ancestors 'none';";

export function isAdminPath(pathname: string): boolean {
  return pathname === "/app" || pathname.startsWith("/app/");
}

export function applySecurityHeaders(url: URL, headers: Headers, kind: "document" | "data"): void {
  headers.set("X-Content-Type-Options", "nosniff");
  const admin = isAdminPath(url.pathname);
  if (admin) headers.set("Cache-Control", "no-store");
  if (kind !== "document") return;
  const csp = headers.get("Content-Security-Policy");
  if (csp && /frame-ancestors/.test(csp)) return;
  const frame = admin ? ADMIN_FRAME_ANCESTORS : NO_FRAME;
  headers.set("Content-Security-Policy", csp ? `${csp.trim().replace(/;?$/, ";")} ${frame}` : frame);
}
