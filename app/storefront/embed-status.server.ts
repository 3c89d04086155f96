// Whether the theme app embed is turned on in the shop's live theme, and the theme-editor deep link to turn it on.
export interface EmbedStatus {
  /** null when it could not be determined (no Admin API access yet). */
  active: boolean | null;
  themeEditorUrl: string;
  reason?: string;
}

export const EMBED_BLOCK_HANDLE = "push-prompt";

export function themeEditorUrl(shop: string, apiKey = process.env.SHOPIFY_API_KEY ?? ""): string {
  const store = shop.replace(/\.myshopify\.com$/, "");
  return `https://admin.shopify.com/store/${store}/themes/current/editor?context=apps&activateAppId=${encodeURIComponent(`${apiKey}/${EMBED_BLOCK_HANDLE}`)}`;
}

export async function getEmbedStatus(shop: string): Promise<EmbedStatus> {
  return { active: null, themeEditorUrl: themeEditorUrl(shop), reason: "Not checked yet" };
}
