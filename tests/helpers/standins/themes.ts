// The live theme's settings_data.json for the Admin GraphQL stand-in (MainThemeSettings), in the shape Shopify
// documents for `themes(roles: [MAIN]) { nodes { files { nodes { filename body { ... on OnlineStoreThemeFileBodyText
// { content } } } } } }`: the body text starts with Shopify's comment banner; app embeds sit in current.blocks.
import { z } from "zod";
import type { AdminGraphqlStandin } from "./admin-graphql";

export const EMBED_BLOCK_TYPE = "shopify://apps/checkout-recovery/blocks/push-prompt/0d7c8f4e-1111-2222-3333-444455556666";

export function registerMainTheme(standin: AdminGraphqlStandin, theme: { embedOn: boolean; name?: string }) {
  const content = `/*\n * IMPORTANT: The contents of this file are auto-generated.\n */\n${JSON.stringify({
    current: { blocks: { "17000000001": { type: EMBED_BLOCK_TYPE, disabled: !theme.embedOn, settings: {} } } },
  })}`;
  standin.register("MainThemeSettings", {
    signature: "query MainThemeSettings",
    variables: z.object({}).strict(),
    answer: () => ({
      themes: {
        nodes: [
          {
            id: "gid://shopify/OnlineStoreTheme/1",
            name: theme.name ?? "Dawn",
            files: { nodes: [{ filename: "config/settings_data.json", body: { content } }] },
          },
        ],
      },
    }),
  });
}
