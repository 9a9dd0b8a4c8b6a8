import { describe, expect, it } from "vitest";

import { layoutDag, NODE_HEIGHT, NODE_WIDTH } from "./layout";

const t = (id: string, ...depends_on: string[]) => ({ id, depends_on });

describe("layoutDag", () => {
  const tasks = [t("a"), t("b", "a"), t("c", "a"), t("d", "b", "c")];

  it("places parents left of their children", () => {
    const { nodes } = layoutDag(tasks);
    const x = Object.fromEntries(nodes.map((n) => [n.id, n.x]));
    expect(x.a!).toBeLessThan(x.b!);
    expect(x.b!).toBeLessThan(x.d!);
    expect(x.c!).toBeLessThan(x.d!);
  });

  it("places parents above their children top to bottom", () => {
    const y = Object.fromEntries(layoutDag(tasks, "TB").nodes.map((n) => [n.id, n.y]));
    expect(y.a!).toBeLessThan(y.b!);
    expect(y.b!).toBeLessThan(y.d!);
  });

  it("keeps nodes apart and draws one edge per dependency", () => {
    const { nodes, edges } = layoutDag(tasks);
    for (const one of nodes) {
      for (const other of nodes) {
        if (one === other) continue;
        const apart = Math.abs(one.x - other.x) >= NODE_WIDTH || Math.abs(one.y - other.y) >= NODE_HEIGHT;
        expect(apart, `${one.id} overlaps ${other.id}`).toBe(true);
      }
    }
    expect(edges.map((e) => e.id).sort()).toEqual(["a->b", "a->c", "b->d", "c->d"]);
  });

  it("leaves out dependencies on tasks that are not in the plan", () => {
    expect(layoutDag([t("a", "ghost")]).edges).toEqual([]);
  });
});
