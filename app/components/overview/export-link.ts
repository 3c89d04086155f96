// The CSV export's address with a fresh session token: a download is a document request (no bearer header), so it
// carries the token as `id_token`, as the Shopify admin does when it opens the app. App Bridge mints a fresh one; without
// App Bridge (a test page) the token the page was opened with is reused.
interface AppBridgeGlobal {
  idToken(): Promise<string>;
}

export async function exportUrl(days: number): Promise<string> {
  const here = new URLSearchParams(window.location.search);
  const next = new URLSearchParams({ days: String(days) });
  for (const k of ["embedded", "shop", "host"]) {
    const v = here.get(k);
    if (v) next.set(k, v);
  }
  const bridge = (window as unknown as { shopify?: AppBridgeGlobal }).shopify;
  const token = (bridge ? await bridge.idToken().catch(() => null) : null) ?? here.get("id_token");
  if (token) next.set("id_token", token);
  return `/app/export/checkouts.csv?${next.toString()}`;
}

/** Start the download (the frame stays on the page: the answer is an attachment). */
export async function downloadExport(days: number): Promise<void> {
  window.location.assign(await exportUrl(days));
}
