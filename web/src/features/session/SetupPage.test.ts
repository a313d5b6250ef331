import { describe, expect, it } from "vitest";
import { setupToken } from "./SetupPage";

describe("setupToken", () => {
  it("reads the token from the link's fragment", () => {
    expect(setupToken("#token=abc-DEF_123")).toBe("abc-DEF_123");
  });

  it("is null without one", () => {
    expect(setupToken("")).toBeNull();
    expect(setupToken("#other=1")).toBeNull();
  });
});
