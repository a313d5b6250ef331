import { describe, expect, it } from "vitest";
import { fieldExpression, nextSort, orderExpression, quote } from "./order";

describe("fieldExpression", () => {
  it("uses dots for plain config paths", () => {
    expect(fieldExpression("config.lr")).toBe("config.lr");
    expect(fieldExpression("config.model.width")).toBe("config.model.width");
  });
  it("uses brackets for odd config keys and every summary key", () => {
    expect(fieldExpression("config.data.train-split")).toBe('config.data["train-split"]');
    expect(fieldExpression("config.my key")).toBe('config["my key"]');
    expect(fieldExpression("config.layers.0")).toBe('config.layers["0"]');
    expect(fieldExpression("summary.val/acc")).toBe('summary["val/acc"]');
    expect(fieldExpression("summary.loss")).toBe('summary["loss"]');
  });
  it("maps meta columns and refuses tags", () => {
    expect(fieldExpression("name")).toBe("name");
    expect(fieldExpression("created_at")).toBe("created_at");
    expect(fieldExpression("runtime")).toBe("runtime");
    expect(fieldExpression("tags")).toBeNull();
    expect(fieldExpression("bogus")).toBeNull();
  });
});

describe("orderExpression", () => {
  it("prefixes '-' for descending and is undefined without a sort", () => {
    expect(orderExpression({ column: "config.lr", desc: false })).toBe("config.lr");
    expect(orderExpression({ column: "summary.val/acc", desc: true })).toBe('-summary["val/acc"]');
    expect(orderExpression(null)).toBeUndefined();
    expect(orderExpression({ column: "tags", desc: true })).toBeUndefined();
  });
  it("quotes escapes the server reads back", () => {
    expect(quote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quote("\b")).toBe('"\\u0008"');
  });
});

describe("nextSort", () => {
  it("cycles ascending, descending, none", () => {
    const asc = nextSort(null, "config.lr");
    expect(asc).toEqual({ column: "config.lr", desc: false });
    const desc = nextSort(asc, "config.lr");
    expect(desc).toEqual({ column: "config.lr", desc: true });
    expect(nextSort(desc, "config.lr")).toBeNull();
  });
  it("starts over on another column", () => {
    expect(nextSort({ column: "name", desc: true }, "runtime")).toEqual({ column: "runtime", desc: false });
  });
});
