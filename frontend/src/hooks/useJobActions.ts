import { useCallback, useState } from "react";

import { apiRequest } from "../api/client";
import type { Job } from "../api/types";
import { useAction } from "./useAction";

type Verb = "cancel" | "retry_failed" | "replan" | "retry_task";

const DONE: Record<Verb, string> = {
  cancel: "The job was cancelled.",
  retry_failed: "The failed tasks were sent again.",
  replan: "The job was replanned.",
  retry_task: "The task was sent again.",
};

async function post(jobId: string, verb: Verb, arg?: string): Promise<Verb> {
  const base = `/api/jobs/${encodeURIComponent(jobId)}`;
  if (verb === "retry_task") {
    await apiRequest<Job>(`${base}/tasks/${encodeURIComponent(arg ?? "")}/retry`, { method: "POST" });
  } else if (verb === "replan") {
    await apiRequest<Job>(`${base}/replan`, { method: "POST", body: arg ? { instructions: arg } : {} });
  } else {
    await apiRequest<Job>(`${base}/${verb}`, { method: "POST" });
  }
  return verb;
}

/** The job's actions (cancel, retry failed, retry one task, replan); `onDone` re-reads the job. */
export function useJobActions(jobId: string, onDone: () => void) {
  const [notice, setNotice] = useState<string | null>(null);
  const call = useCallback((verb: Verb, arg?: string) => post(jobId, verb, arg), [jobId]);
  const action = useAction(call);
  const { run } = action;
  const perform = useCallback(
    async (verb: Verb, arg?: string) => {
      setNotice(null);
      const done = await run(verb, arg);
      if (done) {
        setNotice(DONE[done]);
        onDone();
      }
      return done !== undefined;
    },
    [run, onDone],
  );
  return { perform, busy: action.busy, error: action.error, notice };
}

export type JobActionsApi = ReturnType<typeof useJobActions>;
