import { afterEach, describe, expect, it, vi } from "vitest";
import { userKeysQuery, usersApi } from "./api";

function recordFetch(): { url: string; init: RequestInit }[] {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("document", { cookie: "cairn_csrf=tok" });
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response("[]", { status: 200 });
  });
  return calls;
}

describe("usersApi", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("makes users, keys and passwords on the user's own path, with the session's CSRF token", async () => {
    const calls = recordFetch();
    await usersApi.create({ name: "ci-bot", is_admin: false, password: null });
    await usersApi.createKey("ann.b", "nightly");
    await usersApi.setPassword("ann.b", "a long enough password");
    await usersApi.revokeKey("ann.b", 7);
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ["POST", "/api/v1/admin/users", '{"name":"ci-bot","is_admin":false,"password":null}'],
      ["POST", "/api/v1/admin/users/ann.b/keys", '{"name":"nightly"}'],
      ["PUT", "/api/v1/admin/users/ann.b/password", '{"password":"a long enough password"}'],
      ["DELETE", "/api/v1/admin/users/ann.b/keys/7", undefined],
    ]);
    expect(calls.map((c) => new Headers(c.init.headers).get("X-CSRF-Token"))).toEqual(["tok", "tok", "tok", "tok"]);
  });

  it("encodes a name in the path, and lists a user's keys under the users' query key", async () => {
    const calls = recordFetch();
    const query = userKeysQuery("a/b?c");
    await query.queryFn();
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/admin/users/a%2Fb%3Fc/keys"]);
    expect(query.queryKey.slice(0, 1)).toEqual(["admin-users"]);
  });
});
