// The one JSON answer of the resource routes (webhooks, cron, provider callbacks): a status, a body, and any headers.
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", ...headers } });
}
