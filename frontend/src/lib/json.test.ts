import { describe, expect, it } from "vitest";

import { checkJsonObject, formatBytes, lineAndColumn } from "./json";

describe("checkJsonObject", () => {
  it("accepts an object and measures it", () => {
    expect(checkJsonObject('{"a": 1}')).toEqual({ ok: true, value: { a: 1 }, bytes: 7 });
  });

  it("treats empty text as nothing, unless required", () => {
    expect(checkJsonObject("  ")).toEqual({ ok: true, value: null, bytes: 0 });
    expect(checkJsonObject("", true)).toMatchObject({ ok: false });
  });

  it("refuses arrays, strings and null by name", () => {
    expect(checkJsonObject("[1]")).toEqual({ ok: false, error: "Must be a JSON object ({...}), not an array." });
    expect(checkJsonObject('"x"')).toMatchObject({ error: expect.stringContaining("a string") });
    expect(checkJsonObject("null")).toMatchObject({ error: expect.stringContaining("null") });
  });

  it("says where a syntax error is", () => {
    const result = checkJsonObject('{\n  "a": 1,\n  oops\n}');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(/line 3/);
  });
});

describe("helpers", () => {
  it("finds line and column of an offset", () => {
    expect(lineAndColumn("ab\ncd", 4)).toEqual({ line: 2, column: 2 });
  });

  it("formats sizes", () => {
    expect(formatBytes(12)).toBe("12 B");
    expect(formatBytes(2048)).toBe("2.0 KiB");
  });
});
