import { useEffect, useRef } from "react";

import type { TaskDetail } from "../api/types";
import { useApiQuery, type Query } from "./useApiQuery";

export function taskDetailPath(jobId: string, taskId: string): string {
  return `/api/jobs/${encodeURIComponent(jobId)}/tasks/${encodeURIComponent(taskId)}`;
}

/**
 * GET /api/jobs/{id}/tasks/{task_id}: one task with its attempt log. Read when the task is
 * shown, and again whenever `revision` changes (see lib/events `taskRevision`: the task's status
 * moved on the live stream or in re-read details). A new task is a new read, not a re-read.
 */
export function useTaskDetail(jobId: string, taskId: string, revision: string): Query<TaskDetail> {
  const path = taskDetailPath(jobId, taskId);
  const query = useApiQuery<TaskDetail>(path);
  const { refetch } = query;
  const seen = useRef({ path, revision });
  useEffect(() => {
    const last = seen.current;
    seen.current = { path, revision };
    if (last.path === path && last.revision !== revision) refetch();
  }, [path, revision, refetch]);
  return query;
}
