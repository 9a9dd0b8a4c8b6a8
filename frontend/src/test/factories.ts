import type { Job, JobDetails, JsonObject, Me, Plan, Task, TaskAttempt, TaskDetail } from "../api/types";

export const JOB_ID = "3accd1cd-2ba1-47ed-a14b-c0fc864db972";

export function aTask(id: string, overrides: Partial<Task> = {}): Task {
  return {
    id,
    title: `Task ${id}`,
    tool: "core.write_file",
    status: "pending",
    inputs: { path: `${id}.md` },
    depends_on: [],
    dispatch: "canvas",
    attempts: 0,
    max_attempts: 3,
    output: null,
    error: "",
    error_class: "",
    worker: "",
    created_at: "2026-01-01T00:00:00Z",
    started_at: null,
    finished_at: null,
    duration_s: null,
    ...overrides,
  };
}

export function aJob(overrides: Partial<Job> = {}): Job {
  return {
    id: JOB_ID,
    owner: "local",
    goal: "Write a brief about solar panels",
    status: "running",
    priority: 1,
    context_json: {},
    budget: {},
    error: "",
    progress: { total: 0 },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    started_at: null,
    finished_at: null,
    ...overrides,
  };
}

export function anAttempt(number: number, overrides: Partial<TaskAttempt> = {}): TaskAttempt {
  return {
    number,
    worker: "celery@w1",
    started_at: `2026-01-01T00:00:0${number}Z`,
    finished_at: null,
    outcome: "",
    error_class: "",
    message: "",
    duration_s: null,
    ...overrides,
  };
}

/** GET /api/jobs/{id}/tasks/{task_id}: the task and its attempt log. */
export function taskDetail(task: Task, attempt_log: TaskAttempt[] = []): TaskDetail {
  return { ...task, attempt_log };
}

/** A plan version whose DAG lists `tasks` (each given as its plan fields). */
export function aPlan(version: number, tasks: JsonObject[], overrides: Partial<Plan> = {}): Plan {
  return {
    version,
    source: version === 1 ? "mock" : "replan:mock",
    valid: true,
    problems: [],
    dag: { tasks },
    created_at: `2026-01-01T00:00:0${version}Z`,
    ...overrides,
  };
}

export function details(overrides: Partial<JobDetails> = {}): JobDetails {
  const tasks = overrides.tasks ?? [
    aTask("brief", { status: "succeeded", output: { path: "brief.md" }, duration_s: 0.5 }),
    aTask("risks", { depends_on: ["brief"], status: "running" }),
    aTask("summary", { depends_on: ["brief", "risks"] }),
  ];
  const plan = aPlan(
    1,
    tasks.map((t) => ({ id: t.id, tool: t.tool, inputs: t.inputs, depends_on: t.depends_on })),
  );
  return {
    ...aJob(),
    plan,
    plans: [plan],
    tasks,
    artifacts: [],
    recent_events: [],
    usage: { calls: 0, tokens_in: 0, tokens_out: 0, tokens: 0, cost_usd: 0 },
    ...overrides,
  };
}

export const LOCAL_ME: Me = {
  authenticated: true,
  username: "local",
  is_staff: false,
  method: "local",
  sign_in_required: false,
};
