// A pg.Pool for @prisma/adapter-pg 6.19. That adapter has no mapping for PostgreSQL's catalog types `char` (oid 18)
// and `name` (oid 19), which the migration engine's introspection queries return; reading them as text is exact.
import pg from "pg";

const TEXT_OID = 25;

function asText(result) {
  for (const r of Array.isArray(result) ? result : [result]) {
    for (const f of r?.fields ?? []) {
      if (f.dataTypeID === 18 || f.dataTypeID === 19) f.dataTypeID = TEXT_OID;
    }
  }
  return result;
}

function wrapQuery(target) {
  const original = target.query.bind(target);
  target.query = (...args) => {
    const cb = typeof args[args.length - 1] === "function" ? args.pop() : undefined;
    if (cb) return original(...args, (err, res) => cb(err, err ? res : asText(res)));
    const out = original(...args);
    return out && typeof out.then === "function" ? out.then(asText) : out;
  };
  return target;
}

export class TextCatalogPool extends pg.Pool {
  constructor(options) {
    super(options);
    this.on("connect", (client) => wrapQuery(client));
  }
  query(...args) {
    return wrapQuery({ query: super.query.bind(this) }).query(...args);
  }
}

export function makePgPool(connectionString, options = {}) {
  return new TextCatalogPool({ connectionString, max: 10, ...options });
}
