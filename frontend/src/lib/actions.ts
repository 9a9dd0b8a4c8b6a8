import { JOB_TERMINAL, type JobStatus, type TaskStatus } from "../api/types";

/**
 * Whether an action's button is enabled, and why not. These mirror the server's rules
 * (executor/control.py, executor/replan.py) only to explain a disabled button: the server
 * decides, and its refusal (409 with a reason) is shown if the page was out of date.
 */
export interface Availability {
  enabled: boolean;
  reason: string | null;
}

const yes: Availability = { enabled: true, reason: null };
const no = (reason: string): Availability => ({ enabled: false, reason });

export function cancelAvailability(job: JobStatus): Availability {
  return JOB_TERMINAL.has(job) ? no(`The job is ${job}; only an unfinished job can be cancelled.`) : yes;
}

export function retryFailedAvailability(job: JobStatus, tasks: readonly TaskStatus[]): Availability {
  if (job !== "failed" && job !== "running") return no(`The job is ${job}; only a failed or running job is retried.`);
  return tasks.includes("failed") ? yes : no("No task has failed.");
}

export function retryTaskAvailability(job: JobStatus, task: TaskStatus): Availability {
  if (task !== "failed") return no(`The task is ${task}; only a failed task can be retried.`);
  if (job !== "failed" && job !== "running") return no(`The job is ${job}.`);
  return yes;
}

export function replanAvailability(job: JobStatus, tasks: readonly TaskStatus[]): Availability {
  if (job !== "failed" && job !== "running") return no(`The job is ${job}; only a running or failed job is replanned.`);
  if (tasks.some((status) => status === "running" || status === "retrying")) {
    return no("Tasks are still in flight; replan once they stop.");
  }
  return yes;
}
