// readBodyLimited: the byte limit on both paths (streamed, and bytes the production server already read), and the
// server's handoff surviving the Request Remix rebuilds for an action (it passes the body stream on).
import { describe, expect, it } from "vitest";
import { readBodyLimited, registerRawBody } from "../../app/lib/read-body.server";

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://app.test/webhooks/x", { method: "POST", body, headers });

/** What @remix-run/server-runtime does before calling an action (stripIndexParam / stripRoutesParam). */
const rebuilt = (r: Request) => new Request(r.url, { method: r.method, body: r.body, headers: r.headers, signal: r.signal, duplex: "half" } as RequestInit);

describe("readBodyLimited", () => {
  it("reads a streamed body, and refuses one over the limit", async () => {
    expect(await readBodyLimited(post("héllo"), 100)).toBe("héllo");
    expect(await readBodyLimited(post("x".repeat(101)), 100)).toBeNull();
    expect(await readBodyLimited(new Request("http://app.test/"), 100)).toBe("");
  });

  it("takes bytes the server already read, through a rebuilt Request, without reading the stream", async () => {
    const bytes = Buffer.from('{"token":"t1","note":"ünïcode"}');
    const original = post(bytes);
    registerRawBody(original, bytes);
    const request = rebuilt(original);
    expect(await readBodyLimited(request, 1000)).toBe(bytes.toString("utf8"));
    expect(request.bodyUsed).toBe(false); // answered from the registry, not the stream
    const big = post(Buffer.alloc(200, 120));
    registerRawBody(big, Buffer.alloc(200, 120));
    expect(await readBodyLimited(rebuilt(big), 100)).toBeNull();
  });
});
