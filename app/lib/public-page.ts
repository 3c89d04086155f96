// Minimal standalone HTML pages for shopper-facing link routes (unsubscribe, invalid link): no scripts, no app shell.
import { escapeHtml } from "./email-template";

export function publicPage(title: string, bodyHtml: string): string {
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:48px 16px;background:#f6f6f7;font-family:Arial,Helvetica,sans-serif;color:#202223;">
<main style="max-width:480px;margin:0 auto;background:#fff;border-radius:8px;padding:32px;text-align:center;">
<h1 style="font-size:20px;margin:0 0 12px;">${escapeHtml(title)}</h1>
${bodyHtml}
</main></body></html>`;
}

export function htmlResponse(html: string, status = 200, extra: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      "Referrer-Policy": "no-referrer",
      "X-Robots-Tag": "noindex",
      "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      ...extra,
    },
  });
}
