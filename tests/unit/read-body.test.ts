// readBodyLimited: the byte limit, on a streamed body and on bytes read whole before the Request was made (what
// server.mjs hands over), also through the Request Remix rebuilds for an action (it passes the body stream on).
import { describe, expect, it } from "vitest";
import { readBodyLimited } from "../../app/lib/read-body.server";

const post = (body: BodyInit, headers: Record<string, string> = {}) => new Request("http://app.test/webhooks/x", { method: "POST", body, headers });

/** What @remix-run/server-runtime does before calling an action (stripIndexParam / stripRoutesParam). */
const rebuilt = (r: Request) => new Request(r.url, { method: r.method, body: r.body, headers: r.headers, signal: r.signal, duplex: "half" } as RequestInit);

/** A body arriving in several chunks, as a streamed upload does. */
const chunked = (parts: string[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const p of parts) c.enqueue(new TextEncoder().encode(p));
      c.close();
    },
  });

describe("readBodyLimited", () => {
  it("reads a streamed body, and refuses one over the limit", async () => {
    expect(await readBodyLimited(post("héllo"), 100)).toBe("héllo");
    expect(await readBodyLimited(post("x".repeat(101)), 100)).toBeNull();
    expect(await readBodyLimited(new Request("http://app.test/"), 100)).toBe("");
    const stream = new Request("http://app.test/", { method: "POST", body: chunked(["ab", "cé", "d"]), duplex: "half" } as RequestInit);
    expect(await readBodyLimited(stream, 100)).toBe("abcéd");
    const over = new Request("http://app.test/", { method: "POST", body: chunked(["x".repeat(60), "x".repeat(60)]), duplex: "half" } as RequestInit);
    expect(await readBodyLimited(over, 100)).toBeNull();
  });

  it("reads bytes the server already read, through a rebuilt Request, and refuses a declared length over the limit", async () => {
    const bytes = Buffer.from('{"token":"t1","note":"ünïcode"}');
    expect(await readBodyLimited(rebuilt(post(bytes)), 1000)).toBe(bytes.toString("utf8"));
    expect(await readBodyLimited(rebuilt(post(Buffer.alloc(200, 120))), 100)).toBeNull();
    const declared = post("small", { "Content-Length": "5000" });
    expect(await readBodyLimited(declared, 100)).toBeNull();
    expect(declared.bodyUsed).toBe(false); // refused from the header, before reading a byte
  });
});
