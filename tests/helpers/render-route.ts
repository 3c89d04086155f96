// Server-render an admin route's page component with given loader data, as Remix would on the first request:
// a static data router holding that one route, the Remix context the route's hooks read, and Polaris' AppProvider.
// No browser: what this proves is the markup (ids, labels, roles) a page renders from its loader's data.
import React from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { UNSAFE_RemixContext } from "@remix-run/react";
import { AppProvider } from "@shopify/polaris";
import en from "@shopify/polaris/locales/en.json";

export async function renderRoute(Page: React.ComponentType, path: string, loaderData: object): Promise<string> {
  const url = new URL(path, "http://localhost");
  const handler = createStaticHandler([{ id: "routes/page", path: url.pathname, loader: () => loaderData, action: () => null, Component: Page }]);
  const context = await handler.query(new Request(url));
  if (context instanceof Response) throw new Error(`the route answered ${context.status}`);
  const router = createStaticRouter(handler.dataRoutes, context);
  // The few fields of Remix's context that Link and Form read when nothing is prefetched.
  const remix = { manifest: { routes: {}, entry: { module: "", imports: [] }, url: "", version: "" }, routeModules: {}, future: {}, isSpaMode: false };
  return renderToStaticMarkup(
    React.createElement(
      UNSAFE_RemixContext.Provider,
      { value: remix as unknown as React.ContextType<typeof UNSAFE_RemixContext> },
      React.createElement(AppProvider, { i18n: en }, React.createElement(StaticRouterProvider, { router, context, hydrate: false })),
    ),
  );
}

/** How many times `needle` occurs in `html`. */
export const occurrences = (html: string, needle: string) => html.split(needle).length - 1;
