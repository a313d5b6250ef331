import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiRequestError, csrfToken, request } from "./client";

function failWith(status: number, body: unknown): void {
  vi.stubGlobal("fetch", async () => new Response(JSON.stringify(body), { status, statusText: "Bad" }));
}

async function caught(): Promise<ApiRequestError> {
  const error: unknown = await request("/x").catch((e: unknown) => e);
  if (!(error instanceof ApiRequestError)) throw new Error("expected an ApiRequestError");
  return error;
}

describe("request", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("keeps a string detail as the message", async () => {
    failWith(404, { detail: "no run 'r1'" });
    const error = await caught();
    expect([error.message, error.status, error.position]).toEqual(["no run 'r1'", 404, undefined]);
  });

  it("reads the message and position of a filter error", async () => {
    failWith(400, { detail: { message: "unexpected ')'", position: 7 } });
    const error = await caught();
    expect([error.message, error.status, error.position]).toEqual(["unexpected ')'", 400, 7]);
  });

  it("stringifies any other detail", async () => {
    failWith(422, { detail: [{ loc: ["body", "aliases"], msg: "field required" }] });
    expect((await caught()).message).toBe('[{"loc":["body","aliases"],"msg":"field required"}]');
  });

  it("keeps the status line when the body is not JSON", async () => {
    vi.stubGlobal("fetch", async () => new Response("oops", { status: 502, statusText: "Bad Gateway" }));
    expect((await caught()).message).toBe("502 Bad Gateway");
  });
});

describe("csrfToken", () => {
  it("reads the session's token among other cookies", () => {
    expect(csrfToken("theme=dark; cairn_csrf=abc%2Bdef; other=1")).toBe("abc+def");
  });

  it("is undefined without a session (cairn ui)", () => {
    expect(csrfToken("theme=dark")).toBeUndefined();
    expect(csrfToken("")).toBeUndefined();
  });

  it("is sent on writes and not on reads", async () => {
    const seen: (string | null)[] = [];
    vi.stubGlobal("document", { cookie: "cairn_csrf=tok" });
    vi.stubGlobal("fetch", async (_url: string, init: RequestInit) => {
      seen.push(new Headers(init.headers).get("X-CSRF-Token"));
      return new Response("{}", { status: 200 });
    });
    await request("/x");
    await request("/x", { method: "POST", body: "{}" });
    expect(seen).toEqual([null, "tok"]);
    vi.unstubAllGlobals();
  });
});
