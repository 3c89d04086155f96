// Whether the theme app embed is turned on in the shop's live theme, and the theme-editor deep link to turn it on.
// Reads the main theme's config/settings_data.json through the Admin GraphQL API with the shop's offline token.
// SHOPIFY_ADMIN_API_BASE_URL (e.g. http://127.0.0.1:4567) points it at a local stand-in in tests.
import { adminThemeEditorUrl } from "../lib/admin-links";
import { MainThemeSettings, type MainThemeSettingsData } from "../shopify/graphql/main-theme-settings";
import { log } from "../log.server";

export interface EmbedStatus {
  /** null when it could not be determined (no Admin API access yet). */
  active: boolean | null;
  themeEditorUrl: string;
  reason?: string;
  /** The live theme's name, when it was read. */
  themeName?: string;
}

export const EMBED_BLOCK_HANDLE = "push-prompt";
const TIMEOUT_MS = 5_000;

export function themeEditorUrl(shop: string, apiKey = process.env.SHOPIFY_API_KEY ?? ""): string {
  return adminThemeEditorUrl(shop, `${apiKey}/${EMBED_BLOCK_HANDLE}`);
}

interface ThemeBlock {
  type?: unknown;
  disabled?: unknown;
}

/**
 * Is an enabled app embed block of ours in this settings_data.json text? Shopify writes a /* comment *\/ banner
 * above the JSON; `current` is either the settings object or the name of a preset.
 */
export function embedEnabledInSettingsData(text: string, handle = EMBED_BLOCK_HANDLE): boolean {
  const body = text.replace(/^\uFEFF?\s*(\/\*[\s\S]*?\*\/\s*)*/, "");
  let doc: { current?: unknown; presets?: Record<string, unknown> };
  try {
    doc = JSON.parse(body);
  } catch {
    return false;
  }
  const current = typeof doc.current === "string" ? doc.presets?.[doc.current] : doc.current;
  const blocks = (current && typeof current === "object" ? (current as { blocks?: unknown }).blocks : undefined) ?? {};
  if (typeof blocks !== "object" || blocks === null) return false;
  return Object.values(blocks as Record<string, ThemeBlock>).some(
    (b) => b !== null && typeof b === "object" && typeof b.type === "string" && b.type.includes(`/blocks/${handle}/`) && b.disabled !== true,
  );
}

export interface EmbedStatusDeps {
  /** The shop's offline access token, or null when the app has none (not installed, or not yet authorized). */
  accessToken: (shop: string) => Promise<string | null>;
  apiVersion: string;
  baseUrl?: string;
  fetch?: typeof fetch;
}

async function defaultDeps(): Promise<EmbedStatusDeps> {
  const { API_VERSION, unauthenticated } = await import("../shopify.server");
  return {
    apiVersion: API_VERSION,
    accessToken: async (shop) => {
      try {
        const { session } = await unauthenticated.admin(shop);
        return session.accessToken ?? null;
      } catch {
        return null;
      }
    },
  };
}

export async function getEmbedStatus(shop: string, deps?: EmbedStatusDeps): Promise<EmbedStatus> {
  const d = deps ?? (await defaultDeps());
  const editor = themeEditorUrl(shop);
  const unknown = (reason: string): EmbedStatus => ({ active: null, themeEditorUrl: editor, reason });
  const doFetch = d.fetch ?? fetch;

  const token = await d.accessToken(shop);
  if (!token) return unknown("The app has no access token for this shop yet");

  // `{shop}` in the override stands for the shop's domain, as in app/shopify/admin-graphql.server.ts.
  const base = (d.baseUrl ?? process.env.SHOPIFY_ADMIN_API_BASE_URL ?? `https://${shop}`).replace(/\{shop\}/g, shop).replace(/\/$/, "");
  let data: MainThemeSettingsData;
  try {
    const res = await doFetch(`${base}/admin/api/${d.apiVersion}/graphql.json`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-Shopify-Access-Token": token },
      body: JSON.stringify({ query: MainThemeSettings.query, operationName: MainThemeSettings.name, variables: {} }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
    if (res.status === 401 || res.status === 403) return unknown("The app cannot read themes (read_themes scope not granted)");
    if (!res.ok) return unknown(`The Admin API answered ${res.status}`);
    const payload = (await res.json()) as { data?: MainThemeSettingsData; errors?: Array<{ message?: string }> };
    if (!payload.data) return unknown(`The Admin API answered an error: ${payload.errors?.[0]?.message ?? "no data"}`);
    data = payload.data;
  } catch (e) {
    log.warn({ shop, err: (e as Error).message }, "embed status: Admin API request failed");
    return unknown("The Admin API could not be reached");
  }

  if (!Array.isArray(data.themes?.nodes)) return unknown("The Admin API answered without themes");
  const theme = data.themes.nodes[0];
  if (!theme) return { active: false, themeEditorUrl: editor, reason: "The shop has no published theme" };
  const file = theme.files?.nodes?.find((f) => f.filename === "config/settings_data.json");
  if (!file?.body) return { active: false, themeEditorUrl: editor, themeName: theme.name, reason: "The live theme has no settings_data.json" };

  let text: string;
  if (typeof file.body.content === "string") text = file.body.content;
  else if (typeof file.body.contentBase64 === "string") text = Buffer.from(file.body.contentBase64, "base64").toString("utf8");
  else if (typeof file.body.url === "string") {
    try {
      const res = await doFetch(file.body.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      if (!res.ok) return unknown(`The theme file download answered ${res.status}`);
      text = await res.text();
    } catch {
      return unknown("The theme file could not be downloaded");
    }
  } else return unknown("The theme file had no readable body");

  const active = embedEnabledInSettingsData(text);
  return {
    active,
    themeEditorUrl: editor,
    themeName: theme.name,
    ...(active ? {} : { reason: `The app embed is off in the live theme "${theme.name}"` }),
  };
}
