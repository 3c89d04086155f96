// An HTTPS push-service stand-in on loopback with a self-signed certificate (selfsigned). Each subscription it hands
// out holds its own P-256 key pair and auth secret, like a browser; every push is DECRYPTED with them (http_ece,
// aes128gcm), so the test proves the whole encryption path. The VAPID JWT (ES256) is verified against the key in
// the Authorization header and its audience. Replies can be queued per subscription (410, 429 + Retry-After, ...).
import crypto from "node:crypto";
import https from "node:https";
import type { AddressInfo } from "node:net";
import ece from "http_ece";
import selfsigned from "selfsigned";

export interface ReceivedPush {
  subscriptionId: string;
  headers: { ttl: string | undefined; urgency: string | undefined; topic: string | undefined; contentEncoding: string | undefined };
  vapid: { ok: boolean; aud?: string; sub?: string; exp?: number; publicKey?: string };
  payload: Record<string, unknown>;
  cipherBytes: number;
  /** From the aes128gcm header: the salt and the keyid (the sender's ephemeral public key), base64url. */
  salt: string;
  keyId: string;
}

export interface ReceiverSubscription {
  id: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

export interface PushReceiver {
  origin: string;
  ca: string;
  received: ReceivedPush[];
  /** Replies used (in order) for the next pushes to a subscription, instead of 201. */
  queue: Map<string, Array<{ status: number; headers?: Record<string, string> }>>;
  /** Bench: skip decryption and keep only a count. */
  countOnly: boolean;
  count: number;
  subscribe(): ReceiverSubscription;
  close(): Promise<void>;
}

function verifyVapid(authorization: string | undefined): ReceivedPush["vapid"] {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization ?? "");
  if (!m) return { ok: false };
  const [h, p, s] = m[1].split(".");
  const raw = Buffer.from(m[2], "base64url");
  if (raw.length !== 65 || raw[0] !== 4) return { ok: false };
  const key = crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  });
  const ok = crypto.verify("sha256", Buffer.from(`${h}.${p}`), { key, dsaEncoding: "ieee-p1363" }, Buffer.from(s, "base64url"));
  const claims = JSON.parse(Buffer.from(p, "base64url").toString("utf8")) as { aud: string; sub: string; exp: number };
  return { ok, aud: claims.aud, sub: claims.sub, exp: claims.exp, publicKey: m[2] };
}

let certCache: { key: string; cert: string } | null = null;
function certificate() {
  if (!certCache) {
    const pems = selfsigned.generate([{ name: "commonName", value: "localhost" }], {
      days: 2,
      keySize: 2048,
      algorithm: "sha256",
      extensions: [
        {
          name: "subjectAltName",
          altNames: [
            { type: 2, value: "localhost" },
            { type: 7, ip: "127.0.0.1" },
          ],
        },
      ],
    });
    certCache = { key: pems.private, cert: pems.cert };
  }
  return certCache;
}

export async function startPushReceiver(): Promise<PushReceiver> {
  const { key, cert } = certificate();
  const subs = new Map<string, { ecdh: crypto.ECDH; auth: Buffer }>();
  const state = {
    received: [] as ReceivedPush[],
    queue: new Map<string, Array<{ status: number; headers?: Record<string, string> }>>(),
    countOnly: false,
    count: 0,
  };
  let n = 0;
  const server = https.createServer({ key, cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const m = /^\/push\/([\w-]+)$/.exec(req.url ?? "");
      if (req.method === "POST" && req.url === "/raw") {
        state.count += 1;
        res.writeHead(201, { Location: `${origin}/msg/${state.count}` });
        return res.end();
      }
      const sub = m ? subs.get(m[1]) : undefined;
      if (!m || !sub || req.method !== "POST") {
        res.writeHead(404);
        return res.end();
      }
      const queued = state.queue.get(m[1])?.shift();
      if (queued) {
        res.writeHead(queued.status, queued.headers ?? {});
        return res.end();
      }
      state.count += 1;
      const body = Buffer.concat(chunks);
      if (!state.countOnly) {
        let payload: Record<string, unknown>;
        try {
          payload = JSON.parse(ece.decrypt(body, { version: "aes128gcm", privateKey: sub.ecdh, authSecret: sub.auth }).toString("utf8"));
        } catch {
          res.writeHead(400);
          return res.end("cannot decrypt");
        }
        state.received.push({
          subscriptionId: m[1],
          headers: {
            ttl: req.headers.ttl as string,
            urgency: req.headers.urgency as string,
            topic: req.headers.topic as string,
            contentEncoding: req.headers["content-encoding"],
          },
          vapid: verifyVapid(req.headers.authorization),
          payload,
          cipherBytes: body.length,
          salt: body.subarray(0, 16).toString("base64url"),
          keyId: body.subarray(21, 21 + body[20]).toString("base64url"),
        });
      }
      res.writeHead(201, { Location: `${origin}/msg/${state.count}` });
      res.end();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  const origin = `https://localhost:${port}`;
  const receiver = state as unknown as PushReceiver;
  receiver.origin = origin;
  receiver.ca = cert;
  receiver.subscribe = () => {
    n += 1;
    const id = `sub${n}-${crypto.randomBytes(4).toString("hex")}`;
    const ecdh = crypto.createECDH("prime256v1");
    ecdh.generateKeys();
    const auth = crypto.randomBytes(16);
    subs.set(id, { ecdh, auth });
    return { id, endpoint: `${origin}/push/${id}`, keys: { p256dh: ecdh.getPublicKey().toString("base64url"), auth: auth.toString("base64url") } };
  };
  receiver.close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return receiver;
}
