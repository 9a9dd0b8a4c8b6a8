/**
 * The critical path of a plan: the heaviest chain of dependencies, which bounds how fast the job
 * can finish however many workers run it.
 */

export interface DagTask {
  id: string;
  depends_on: readonly string[];
}

export interface CriticalPath {
  /** Task ids along the path, first to last. */
  keys: string[];
  /** Edges along the path, as "parent->child". */
  edges: Set<string>;
  /** Sum of the weights along the path. */
  total: number;
}

export const edgeKey = (from: string, to: string): string => `${from}->${to}`;

/** Task ids in dependency order (parents first), or null if the dependencies form a cycle. */
export function topologicalOrder(tasks: readonly DagTask[]): string[] | null {
  const ids = new Set(tasks.map((task) => task.id));
  const indegree = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const task of tasks) {
    indegree.set(task.id, 0);
    children.set(task.id, []);
  }
  for (const task of tasks) {
    for (const parent of new Set(task.depends_on)) {
      if (!ids.has(parent)) continue; // a dependency outside the plan is not drawn
      indegree.set(task.id, (indegree.get(task.id) ?? 0) + 1);
      children.get(parent)!.push(task.id);
    }
  }
  const queue = tasks.filter((task) => indegree.get(task.id) === 0).map((task) => task.id);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    order.push(id);
    for (const child of children.get(id)!) {
      const left = indegree.get(child)! - 1;
      indegree.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  return order.length === ids.size ? order : null;
}

/**
 * The longest path by `weight` (1 per task by default: the longest chain of tasks). Ties go to
 * the task listed first. An empty path for an empty or cyclic plan.
 */
export function criticalPath(tasks: readonly DagTask[], weight: (id: string) => number = () => 1): CriticalPath {
  const order = topologicalOrder(tasks);
  if (!order || order.length === 0) return { keys: [], edges: new Set(), total: 0 };
  const byId = new Map(tasks.map((task) => [task.id, task]));
  const best = new Map<string, number>();
  const previous = new Map<string, string | null>();
  for (const id of order) {
    let bestParent: string | null = null;
    let bestLength = 0;
    for (const parent of byId.get(id)!.depends_on) {
      const length = best.get(parent);
      if (length !== undefined && length > bestLength) {
        bestLength = length;
        bestParent = parent;
      }
    }
    best.set(id, bestLength + Math.max(0, weight(id)));
    previous.set(id, bestParent);
  }
  let end = order[0]!;
  for (const task of tasks) if (best.get(task.id)! > best.get(end)!) end = task.id;
  const keys: string[] = [];
  for (let at: string | null = end; at !== null; at = previous.get(at) ?? null) keys.unshift(at);
  const edges = new Set<string>();
  for (let i = 1; i < keys.length; i++) edges.add(edgeKey(keys[i - 1]!, keys[i]!));
  return { keys, edges, total: best.get(end)! };
}

/**
 * What the path is measured in: measured durations once every task has one (a finished job),
 * otherwise the number of tasks.
 */
export function criticalPathBasis(
  tasks: readonly { id: string; duration_s: number | null }[],
): { basis: "duration" | "count"; weight: (id: string) => number } {
  const durations = new Map(tasks.map((task) => [task.id, task.duration_s]));
  if (tasks.length > 0 && tasks.every((task) => task.duration_s !== null)) {
    return { basis: "duration", weight: (id) => durations.get(id) ?? 0 };
  }
  return { basis: "count", weight: () => 1 };
}
