import { afterEach, describe, expect, it, vi } from "vitest";
import { membersApi } from "./api";

const answer = { visibility: "team", role: "admin", users: [], teams: [] };

function recordFetch(): { url: string; init: RequestInit }[] {
  const calls: { url: string; init: RequestInit }[] = [];
  vi.stubGlobal("document", { cookie: "cairn_csrf=tok" });
  vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(JSON.stringify(answer), { status: 200 });
  });
  return calls;
}

describe("membersApi", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("puts a user's or a team's role on their own path, names encoded", async () => {
    const calls = recordFetch();
    await membersApi.grant("my project", "user", "ann.b", "editor");
    await membersApi.grant("p", "team", "vision-lab", "viewer");
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ["PUT", "/api/v1/projects/my%20project/members/users/ann.b", '{"role":"editor"}'],
      ["PUT", "/api/v1/projects/p/members/teams/vision-lab", '{"role":"viewer"}'],
    ]);
    expect(calls.map((c) => new Headers(c.init.headers).get("X-CSRF-Token"))).toEqual(["tok", "tok"]);
  });

  it("removes a member and sets the visibility, answering with the members", async () => {
    const calls = recordFetch();
    expect(await membersApi.remove("p", "team", "lab")).toEqual(answer);
    await membersApi.setVisibility("p", "team");
    expect(calls.map((c) => [c.init.method, c.url, c.init.body])).toEqual([
      ["DELETE", "/api/v1/projects/p/members/teams/lab", undefined],
      ["PUT", "/api/v1/projects/p/visibility", '{"visibility":"team"}'],
    ]);
  });
});
