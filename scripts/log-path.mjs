// A request path as server.mjs logs it: no query string (session tokens, HMACs, shop ids), and the signed token of a
// shopper's link masked (/r/<token> tracked clicks, /u/<token> unsubscribe, /o/<token> opens): a token in a log is a
// working link to somebody's cart or preferences.
export function logPath(url) {
  return url.split("?")[0].replace(/^\/([ruo])\/[^/]+/, "/$1/[token]");
}
