import { describe, expect, it } from "vitest";

import { criticalPath, criticalPathBasis, edgeKey, topologicalOrder } from "./criticalPath";

const t = (id: string, ...depends_on: string[]) => ({ id, depends_on });

describe("criticalPath", () => {
  it("follows the longest chain of a diamond with a tail", () => {
    const tasks = [t("a"), t("b", "a"), t("c", "a"), t("d", "c"), t("e", "b", "d")];
    const path = criticalPath(tasks);
    expect(path.keys).toEqual(["a", "c", "d", "e"]);
    expect(path.total).toBe(4);
    expect([...path.edges]).toEqual([edgeKey("a", "c"), edgeKey("c", "d"), edgeKey("d", "e")]);
  });

  it("weighs tasks by duration when asked", () => {
    const tasks = [t("a"), t("slow", "a"), t("fast1", "a"), t("fast2", "fast1"), t("end", "slow", "fast2")];
    const seconds: Record<string, number> = { a: 1, slow: 10, fast1: 1, fast2: 1, end: 1 };
    expect(criticalPath(tasks, (id) => seconds[id]!).keys).toEqual(["a", "slow", "end"]);
    expect(criticalPath(tasks).keys).toEqual(["a", "fast1", "fast2", "end"]);
  });

  it("handles independent tasks, empty plans, unknown dependencies and cycles", () => {
    expect(criticalPath([t("x"), t("y")]).keys).toEqual(["x"]);
    expect(criticalPath([]).keys).toEqual([]);
    expect(criticalPath([t("a", "missing"), t("b", "a")]).keys).toEqual(["a", "b"]);
    expect(criticalPath([t("a", "b"), t("b", "a")]).keys).toEqual([]);
    expect(topologicalOrder([t("a", "b"), t("b", "a")])).toBeNull();
  });

  it("measures in seconds only once every task has a duration", () => {
    expect(criticalPathBasis([{ id: "a", duration_s: 1 }, { id: "b", duration_s: null }]).basis).toBe("count");
    const full = criticalPathBasis([{ id: "a", duration_s: 2.5 }]);
    expect(full.basis).toBe("duration");
    expect(full.weight("a")).toBe(2.5);
  });
});
