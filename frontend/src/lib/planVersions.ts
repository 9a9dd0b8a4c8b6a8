import type { JobEvent, Plan, PlanProblem } from "../api/types";

export interface PlanVersion {
  version: number;
  source: string;
  valid: boolean;
  tasks: number | null;
  problems: PlanProblem[];
  at: string;
  /** The replan's instructions, for a version made by a replan. */
  instructions: string | null;
}

function asProblems(value: unknown): PlanProblem[] {
  return Array.isArray(value)
    ? value.filter((p): p is PlanProblem => typeof p === "object" && p !== null && "message" in p)
    : [];
}

/**
 * Every plan version of a job, oldest first, from its plan.created / plan.rejected / job.replanned
 * events; the current plan (from the details) fills in what the events lack.
 */
export function planVersions(events: readonly JobEvent[], current: Plan | null): PlanVersion[] {
  const versions = new Map<number, PlanVersion>();
  for (const event of events) {
    const version = event.payload.version;
    if (typeof version !== "number") continue;
    if (event.type === "plan.created" || event.type === "plan.rejected") {
      versions.set(version, {
        version,
        source: typeof event.payload.source === "string" ? event.payload.source : "",
        valid: event.type === "plan.created",
        tasks: typeof event.payload.tasks === "number" ? event.payload.tasks : null,
        problems: asProblems(event.payload.problems),
        at: event.at,
        instructions: versions.get(version)?.instructions ?? null,
      });
    } else if (event.type === "job.replanned") {
      const known = versions.get(version);
      const instructions = typeof event.payload.instructions === "string" ? event.payload.instructions : "";
      if (known) known.instructions = instructions;
    }
  }
  if (current && !versions.has(current.version)) {
    const tasks = Array.isArray(current.dag.tasks) ? current.dag.tasks.length : null;
    versions.set(current.version, {
      version: current.version,
      source: current.source,
      valid: current.valid,
      tasks,
      problems: current.problems,
      at: current.created_at,
      instructions: null,
    });
  }
  return [...versions.values()].sort((a, b) => a.version - b.version);
}

/** Task ids of a plan's DAG, in plan order. */
export function planTaskIds(plan: Plan | null): string[] {
  const tasks = plan?.dag.tasks;
  if (!Array.isArray(tasks)) return [];
  return tasks.flatMap((task) =>
    typeof task === "object" && task !== null && !Array.isArray(task) && typeof task.id === "string" ? [task.id] : [],
  );
}
