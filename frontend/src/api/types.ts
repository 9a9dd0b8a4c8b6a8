/**
 * Shapes of the AWE REST API, as jobs/api/serializers.py produces them (the contract is the
 * OpenAPI schema at /api/schema). Only what the web app reads is typed.
 */

export const JOB_STATUSES = ["queued", "planning", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

export const TASK_STATUSES = [
  "pending",
  "ready",
  "running",
  "retrying",
  "succeeded",
  "failed",
  "blocked",
  "cancelled",
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const JOB_TERMINAL: ReadonlySet<JobStatus> = new Set(["succeeded", "failed", "cancelled"]);

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface Budget {
  max_tasks?: number;
  max_tokens?: number;
  max_cost_usd?: number;
  max_parallel?: number;
}

export type Progress = { total: number } & Partial<Record<TaskStatus, number>>;

export interface Job {
  id: string;
  owner: string;
  goal: string;
  status: JobStatus;
  priority: number;
  context_json: JsonObject;
  budget: Budget;
  error: string;
  progress: Progress;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface Task {
  id: string;
  title: string;
  tool: string;
  status: TaskStatus;
  inputs: JsonObject;
  depends_on: string[];
  dispatch: string;
  attempts: number;
  max_attempts: number;
  output: Json;
  error: string;
  error_class: string;
  worker: string;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
}

/** How an attempt ended; "" while it runs. */
export type AttemptOutcome = "" | "succeeded" | "retrying" | "failed" | "lost" | "superseded";

/** One attempt of a task: an item of the task detail's `attempt_log`. */
export interface TaskAttempt {
  number: number;
  worker: string;
  started_at: string;
  finished_at: string | null;
  outcome: AttemptOutcome;
  error_class: string;
  message: string;
  duration_s: number | null;
}

/** GET /api/jobs/{id}/tasks/{task_id}: a task with every attempt, oldest first. */
export interface TaskDetail extends Task {
  attempt_log: TaskAttempt[];
}

export interface PlanProblem {
  code: string;
  message: string;
  task: string | null;
  field: string | null;
}

export interface Plan {
  version: number;
  source: string;
  valid: boolean;
  problems: PlanProblem[];
  dag: JsonObject;
  created_at: string;
}

export interface Artifact {
  path: string;
  name: string;
  size: number;
  sha256: string;
  content_type: string;
  task: string | null;
  created_at: string;
  download_url: string;
}

/** One event: the SSE `data:` of /api/jobs/{id}/events and an item of `recent_events`. */
export interface JobEvent {
  seq: number;
  job?: string;
  type: string;
  task: string | null;
  payload: JsonObject;
  at: string;
}

export interface Usage {
  calls: number;
  tokens_in: number;
  tokens_out: number;
  tokens: number;
  cost_usd: number;
}

export interface JobDetails extends Job {
  /** The newest plan version (valid or rejected). */
  plan: Plan | null;
  /** Every plan version, oldest first. */
  plans: Plan[];
  tasks: Task[];
  artifacts: Artifact[];
  recent_events: JobEvent[];
  usage: Usage;
}

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export type JsonSchema = { [key: string]: Json };

export interface Tool {
  name: string;
  description: string;
  input_schema: JsonSchema;
  output_schema: JsonSchema;
  timeout_s: number;
  queue: string;
}

export interface Me {
  authenticated: boolean;
  username: string | null;
  is_staff: boolean;
  method: "session" | "token" | "local" | null;
  sign_in_required: boolean;
}

/** Limits the server enforces (jobs/api/serializers.py), shown next to the fields. */
export const LIMITS = {
  goalChars: 8000,
  contextBytes: 256 * 1024,
  priority: [0, 9] as const,
  defaultPriority: 1,
};
