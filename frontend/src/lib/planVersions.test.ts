import { describe, expect, it } from "vitest";

import { aPlan } from "../test/factories";
import { canonicalJson, changedFields, compareTasks, planTasks, planVersionViews } from "./planVersions";

const marks = (rows: { id: string; change: string | null }[]) => rows.map((row) => `${row.id}:${row.change ?? "-"}`);

describe("plan versions", () => {
  it("reads a plan's tasks in plan order, naming a task without an id by its place", () => {
    const plan = aPlan(1, [{ id: "a", tool: "core.wait", title: "Wait" }, { tool: "core.wait" }]);
    expect(planTasks(plan)!.map((t) => [t.id, t.tool, t.title])).toEqual([
      ["a", "core.wait", "Wait"],
      ["(task 2 without an id)", "core.wait", ""],
    ]);
    expect(planTasks(aPlan(2, [], { dag: { steps: [] } }))).toBeNull();
  });

  it("compares values whatever the order of their keys", () => {
    expect(canonicalJson({ b: 1, a: [{ y: 2, x: null }] })).toBe(canonicalJson({ a: [{ x: null, y: 2 }], b: 1 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
    expect(changedFields({ id: "a", inputs: { x: 1, y: 2 } }, { inputs: { y: 2, x: 1 }, id: "a" })).toEqual([]);
    expect(changedFields({ id: "a", tool: "t", inputs: { x: 1 } }, { id: "a", tool: "u", depends_on: ["b"] })).toEqual([
      "depends_on",
      "inputs",
      "tool",
    ]);
  });

  it("counts a field left out and the same field stated empty as unchanged", () => {
    const explicit = { id: "a", tool: "t", inputs: { x: 1 } };
    const restated = { ...explicit, title: "", depends_on: [], timeout_s: null, expected_output: "", extra: {} };
    expect(changedFields(explicit, restated)).toEqual([]);
    expect(changedFields(explicit, { ...restated, title: "Read it", inputs: {} })).toEqual(["inputs", "title"]);
  });

  it("marks tasks added, changed and removed against the version before", () => {
    const before = planTasks(
      aPlan(1, [
        { id: "a", tool: "core.wait", inputs: { seconds: 1 } },
        { id: "b", tool: "core.wait", inputs: {} },
        { id: "c", tool: "core.wait", inputs: {} },
      ]),
    );
    const after = planTasks(
      aPlan(2, [
        { id: "a", tool: "core.wait", inputs: { seconds: 1 } },
        { id: "c", tool: "core.wait", inputs: {}, depends_on: ["a"] },
        { id: "d", tool: "llm.generate", inputs: {} },
      ]),
    )!;
    const rows = compareTasks(before, after);
    expect(marks(rows)).toEqual(["a:-", "c:changed", "d:added", "b:removed"]);
    expect(rows.find((row) => row.id === "c")!.changedFields).toEqual(["depends_on"]);
    expect(marks(compareTasks(null, after))).toEqual(["a:-", "c:-", "d:-"]);
  });

  it("compares each version with the one before, rejected ones included, and not with an unreadable one", () => {
    const views = planVersionViews([
      aPlan(3, [{ id: "a", tool: "core.wait" }, { id: "b", tool: "core.wait" }]),
      aPlan(1, [{ id: "a", tool: "core.wait" }]),
      aPlan(2, [], { valid: false, dag: { oops: true }, problems: [{ code: "schema", message: "no tasks", task: null, field: "tasks" }] }),
      aPlan(4, [{ id: "a", tool: "core.wait" }, { id: "b", tool: "core.wait" }]),
    ]);
    expect(views.map((view) => view.plan.version)).toEqual([1, 2, 3, 4]);
    expect(views.map((view) => view.comparedWith)).toEqual([null, null, null, 3]);
    expect(views[1]!.tasks).toBeNull();
    expect(marks(views[2]!.tasks!)).toEqual(["a:-", "b:-"]);
    expect(views[3]!.counts).toEqual({ added: 0, removed: 0, changed: 0 });
    const replanned = planVersionViews([aPlan(1, [{ id: "a" }, { id: "b" }]), aPlan(2, [{ id: "a" }, { id: "c" }])]);
    expect(replanned[1]!.counts).toEqual({ added: 1, removed: 1, changed: 0 });
    expect(replanned[1]!.comparedWith).toBe(1);
  });
});
