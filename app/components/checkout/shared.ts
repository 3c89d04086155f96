// What the checkout detail page's pieces share: the action's answer (app/routes/app.checkouts.$id.tsx).
import type { FetcherWithComponents } from "@remix-run/react";

export type CheckoutActionData = { ok: true; intent: string } | { ok: false; error: string };

/** One of the page's fetchers (note, owner, move): the page shows the first refusal of any of them. */
export type CheckoutFetcher = FetcherWithComponents<CheckoutActionData>;
