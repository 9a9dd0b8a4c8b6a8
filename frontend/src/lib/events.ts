import { JOB_STATUSES, TASK_STATUSES, type JobEvent, type JobStatus, type JsonObject, type TaskStatus } from "../api/types";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** An event from the stream's JSON `data:` or from `recent_events`, or null if it is not one. */
export function toJobEvent(raw: unknown): JobEvent | null {
  if (!isObject(raw) || typeof raw.seq !== "number" || typeof raw.type !== "string") return null;
  return {
    seq: raw.seq,
    job: typeof raw.job === "string" ? raw.job : undefined,
    type: raw.type,
    task: typeof raw.task === "string" && raw.task !== "" ? raw.task : null, // recent_events says "" for none
    payload: isObject(raw.payload) ? (raw.payload as JsonObject) : {},
    at: typeof raw.at === "string" ? raw.at : "",
  };
}

export function parseEventData(data: string): JobEvent | null {
  try {
    return toJobEvent(JSON.parse(data));
  } catch {
    return null;
  }
}

/**
 * Events in seq order, each seq once: a replay after a reconnect or a reload repeats events the
 * list already has, and those are dropped. Returns `current` itself when nothing is new.
 */
export function mergeEvents(current: readonly JobEvent[], incoming: readonly JobEvent[]): JobEvent[] {
  const known = new Set(current.map((event) => event.seq));
  const fresh = incoming.filter((event) => {
    if (known.has(event.seq)) return false;
    known.add(event.seq);
    return true;
  });
  if (fresh.length === 0) return current as JobEvent[];
  const last = current.length ? current[current.length - 1]!.seq : 0;
  const merged = [...current, ...fresh];
  if (fresh.some((event) => event.seq < last) || fresh.length > 1) merged.sort((a, b) => a.seq - b.seq);
  return merged;
}

export function newestSeq(events: readonly { seq: number }[]): number {
  return events.reduce((max, event) => Math.max(max, event.seq), 0);
}

const TASK_STATUS_SET: ReadonlySet<string> = new Set(TASK_STATUSES);
const JOB_STATUS_SET: ReadonlySet<string> = new Set(JOB_STATUSES);

/** The status a `task.<status>` event moved its task to, or null for other events. */
export function taskStatusOf(event: JobEvent): TaskStatus | null {
  if (!event.task || !event.type.startsWith("task.")) return null;
  const status = event.type.slice("task.".length);
  return TASK_STATUS_SET.has(status) ? (status as TaskStatus) : null;
}

/** The status a `job.<status>` event moved the job to, or null for other events. */
export function jobStatusOf(event: JobEvent): JobStatus | null {
  if (!event.type.startsWith("job.")) return null;
  const status = event.type.slice("job.".length);
  return JOB_STATUS_SET.has(status) ? (status as JobStatus) : null;
}

/**
 * Task statuses to draw: the last fetched details, moved on by the stream's events that are newer
 * than that snapshot (the details are re-read shortly after, so this only bridges the gap).
 */
export function liveTaskStatuses(
  tasks: readonly { id: string; status: TaskStatus }[],
  events: readonly JobEvent[],
  snapshotSeq: number,
): Record<string, TaskStatus> {
  const statuses: Record<string, TaskStatus> = {};
  for (const task of tasks) statuses[task.id] = task.status;
  for (const event of events) {
    if (event.seq <= snapshotSeq) continue;
    const status = taskStatusOf(event);
    if (status && event.task && event.task in statuses) statuses[event.task] = status;
  }
  return statuses;
}

export function liveJobStatus(status: JobStatus, events: readonly JobEvent[], snapshotSeq: number): JobStatus {
  let current = status;
  for (const event of events) {
    if (event.seq <= snapshotSeq) continue;
    current = jobStatusOf(event) ?? current;
  }
  return current;
}

/** The seq of the newest `task.<status>` event of task `taskId` (0 without one). */
export function lastStatusSeq(events: readonly JobEvent[], taskId: string): number {
  let seq = 0;
  for (const event of events) {
    if (event.task === taskId && taskStatusOf(event) !== null) seq = Math.max(seq, event.seq);
  }
  return seq;
}

/**
 * A key that changes whenever a task's status changes: by an event of the live stream (two moves
 * delivered together still change the seq) or by re-read details. Whoever shows the task's own
 * detail (its attempt log) re-reads it when the key changes.
 */
export function taskRevision(
  task: { id: string; status: TaskStatus; attempts: number },
  liveStatus: TaskStatus,
  events: readonly JobEvent[],
): string {
  return `${liveStatus}@${lastStatusSeq(events, task.id)}/${task.status}#${task.attempts}`;
}

/** A one-line summary of an event's payload for the timeline. */
export function describePayload(event: JobEvent): string {
  const p = event.payload;
  const parts: string[] = [];
  const text = (key: string) => (typeof p[key] === "string" || typeof p[key] === "number" ? String(p[key]) : null);
  if (text("from")) parts.push(`from ${text("from")}`);
  if (text("version")) parts.push(`version ${text("version")}`);
  if (text("source")) parts.push(`source ${text("source")}`);
  if (text("tasks")) parts.push(`${text("tasks")} tasks`);
  if (text("worker")) parts.push(`on ${text("worker")}`);
  if (text("path")) parts.push(String(text("path")));
  if (text("because")) parts.push(`because ${text("because")}`);
  if (text("retry_in_s")) parts.push(`retry in ${text("retry_in_s")} s`);
  if (text("error_class")) parts.push(`[${text("error_class")}]`);
  if (text("error")) parts.push(String(text("error")));
  if (text("reason")) parts.push(String(text("reason")));
  if (text("instructions")) parts.push(`instructions: ${text("instructions")}`);
  if (Array.isArray(p.problems)) parts.push(`${p.problems.length} problems`);
  return parts.join(" · ");
}
