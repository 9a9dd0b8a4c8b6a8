import dagre from "@dagrejs/dagre";

import type { DagTask } from "./criticalPath";

export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 64;

export interface Placed {
  id: string;
  /** Top-left corner, as React Flow places nodes. */
  x: number;
  y: number;
}

export interface Layout {
  nodes: Placed[];
  edges: { id: string; source: string; target: string }[];
  width: number;
  height: number;
}

/** Lays a plan out left to right with dagre: parents before children, no overlaps. */
export function layoutDag(tasks: readonly DagTask[], direction: "LR" | "TB" = "LR"): Layout {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: direction, nodesep: 24, ranksep: 64, marginx: 8, marginy: 8 });
  graph.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(tasks.map((task) => task.id));
  for (const task of tasks) graph.setNode(task.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges: Layout["edges"] = [];
  for (const task of tasks) {
    for (const parent of new Set(task.depends_on)) {
      if (!ids.has(parent)) continue;
      graph.setEdge(parent, task.id);
      edges.push({ id: `${parent}->${task.id}`, source: parent, target: task.id });
    }
  }
  dagre.layout(graph);
  const nodes = tasks.map((task) => {
    const { x, y } = graph.node(task.id) as { x: number; y: number };
    return { id: task.id, x: x - NODE_WIDTH / 2, y: y - NODE_HEIGHT / 2 };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
