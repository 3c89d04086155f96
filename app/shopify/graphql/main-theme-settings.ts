// themes(roles: [MAIN]) + files (Admin API 2026-10, read_themes): the live theme's config/settings_data.json, where
// app embed blocks are recorded (current.blocks.<id> = {type: "shopify://apps/<app>/blocks/<handle>/<uuid>", disabled}).
import type { GraphqlOperation } from "./operation";

export type MainThemeSettingsVariables = Record<string, never>;

export interface MainThemeSettingsData {
  themes: {
    nodes: Array<{
      id: string;
      name: string;
      files: {
        nodes: Array<{
          filename: string;
          body: { content?: string; contentBase64?: string; url?: string } | null;
        }>;
      } | null;
    }>;
  };
}

export const MainThemeSettings: GraphqlOperation<MainThemeSettingsVariables, MainThemeSettingsData> = {
  name: "MainThemeSettings",
  query: `#graphql
query MainThemeSettings {
  themes(first: 1, roles: [MAIN]) {
    nodes {
      id
      name
      files(filenames: ["config/settings_data.json"], first: 1) {
        nodes {
          filename
          body {
            ... on OnlineStoreThemeFileBodyText {
              content
            }
            ... on OnlineStoreThemeFileBodyBase64 {
              contentBase64
            }
            ... on OnlineStoreThemeFileBodyUrl {
              url
            }
          }
        }
      }
    }
  }
}`,
};
