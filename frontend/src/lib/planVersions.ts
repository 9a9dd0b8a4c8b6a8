import type { Json, JsonObject, Plan } from "../api/types";

/** A task of a plan's DAG, as the plan states it (a rejected plan may lack any field). */
export interface PlanTask {
  id: string;
  tool: string;
  title: string;
  fields: JsonObject;
}

/** How a task differs from the version before: null when it does not (or there is no before). */
export type TaskChange = "added" | "removed" | "changed" | null;

export interface PlanTaskRow extends PlanTask {
  change: TaskChange;
  /** For a changed task, the fields that differ (e.g. inputs, depends_on), sorted. */
  changedFields: string[];
}

export interface PlanVersionView {
  plan: Plan;
  /** This version's tasks in plan order, then the previous version's tasks it dropped; null
   *  when the DAG has no task list (a rejected plan can be anything). */
  tasks: PlanTaskRow[] | null;
  /** The version compared with: the one before, when its task list is readable. */
  comparedWith: number | null;
  counts: { added: number; removed: number; changed: number };
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The tasks of a plan's DAG (`{"tasks": [...]}`), or null when it has no task list. */
export function planTasks(plan: Plan): PlanTask[] | null {
  const tasks = plan.dag.tasks;
  if (!Array.isArray(tasks)) return null;
  return tasks.filter(isObject).map((task, index) => ({
    id: typeof task.id === "string" && task.id ? task.id : `(task ${index + 1} without an id)`,
    tool: typeof task.tool === "string" ? task.tool : "",
    title: typeof task.title === "string" ? task.title : "",
    fields: task,
  }));
}

/** JSON with object keys sorted, so that equal values give equal text whatever the key order. */
export function canonicalJson(value: Json | undefined): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Absent or empty: a plan may leave out a field or state it empty ("", [], {}, null) alike. */
function isEmpty(value: Json | undefined): boolean {
  if (value === undefined || value === null || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return isObject(value) && Object.keys(value).length === 0;
}

/**
 * The fields of two versions of a task that differ, sorted. A field one version lacks and the
 * other states empty is the same (a replan restates kept tasks with every field spelled out).
 */
export function changedFields(before: JsonObject, after: JsonObject): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys]
    .filter((key) => !(isEmpty(before[key]) && isEmpty(after[key])))
    .filter((key) => canonicalJson(before[key]) !== canonicalJson(after[key]))
    .sort();
}

/** `after`'s tasks marked added or changed relative to `before`, then `before`'s removed ones. */
export function compareTasks(before: readonly PlanTask[] | null, after: readonly PlanTask[]): PlanTaskRow[] {
  if (before === null) return after.map((task) => ({ ...task, change: null, changedFields: [] }));
  const earlier = new Map<string, PlanTask>();
  for (const task of before) if (!earlier.has(task.id)) earlier.set(task.id, task);
  const present = new Set(after.map((task) => task.id));
  const rows: PlanTaskRow[] = after.map((task) => {
    const old = earlier.get(task.id);
    if (!old) return { ...task, change: "added", changedFields: [] };
    const fields = changedFields(old.fields, task.fields);
    return { ...task, change: fields.length ? "changed" : null, changedFields: fields };
  });
  const removed = [...earlier.values()].filter((task) => !present.has(task.id));
  return [...rows, ...removed.map((task): PlanTaskRow => ({ ...task, change: "removed", changedFields: [] }))];
}

/** Every plan version (the details' `plans`, oldest first), each compared with the one before. */
export function planVersionViews(plans: readonly Plan[]): PlanVersionView[] {
  const ordered = [...plans].sort((a, b) => a.version - b.version);
  return ordered.map((plan, index) => {
    const previous = index > 0 ? ordered[index - 1]! : null;
    const before = previous ? planTasks(previous) : null;
    const after = planTasks(plan);
    const tasks = after === null ? null : compareTasks(before, after);
    const count = (change: TaskChange) => tasks?.filter((task) => task.change === change).length ?? 0;
    return {
      plan,
      tasks,
      comparedWith: previous && before !== null && after !== null ? previous.version : null,
      counts: { added: count("added"), removed: count("removed"), changed: count("changed") },
    };
  });
}
