import { useEffect, useMemo } from "react";

import type { ApiError } from "../api/errors";
import { JOB_TERMINAL, type JobDetails, type JobEvent, type JobStatus, type TaskStatus } from "../api/types";
import { liveJobStatus, liveTaskStatuses, newestSeq, toJobEvent } from "../lib/events";
import type { StreamStatus } from "../sse/stream";
import { useApiQuery } from "./useApiQuery";
import { useJobEvents } from "./useJobEvents";
import { useThrottled } from "./useThrottled";

/** How often the details are re-read while the job is unfinished: a safety net behind the stream. */
export const POLL_WHILE_LIVE_MS = 15000;
export const POLL_WITHOUT_STREAM_MS = 3000;
/** How long the stream may lag behind the details before it is reconnected to catch up. */
export const RESYNC_AFTER_MS = 1500;

export interface LiveJob {
  details: JobDetails | null;
  error: ApiError | null;
  loading: boolean;
  refetch: () => void;
  events: JobEvent[];
  streamStatus: StreamStatus;
  jobStatus: JobStatus | null;
  taskStatuses: Record<string, TaskStatus>;
}

/**
 * One job, kept current: its details (re-read shortly after each new event), its event stream,
 * and the statuses to draw right now (details moved on by events newer than them).
 */
export function useLiveJob(jobId: string | null): LiveJob {
  const path = jobId ? `/api/jobs/${encodeURIComponent(jobId)}/details` : null;
  const query = useApiQuery<JobDetails>(path);
  const { data: details, refetch } = query;
  // The stream opens once the job is known to exist: an unknown id costs one 404, not two.
  const stream = useJobEvents(details && details.id === jobId ? jobId : null);
  const { resync, merge, status, events } = stream;
  const newest = newestSeq(events);
  const snapshot = details ? newestSeq(details.recent_events) : 0;

  // A new event: re-read the details (outputs, errors, artifacts) soon, at most ~3 times a second.
  const refresh = useThrottled(refetch, 300);
  useEffect(() => {
    if (details && newest > snapshot) refresh();
  }, [details, newest, snapshot, refresh]);

  // The details know of events the stream has not delivered: reconnect, the server replays them.
  useEffect(() => {
    if (status !== "open" || snapshot <= newest) return;
    const timer = setTimeout(resync, RESYNC_AFTER_MS);
    return () => clearTimeout(timer);
  }, [status, snapshot, newest, resync]);

  // No stream at all: the timeline shows the details' recent events instead.
  useEffect(() => {
    if (status !== "unavailable" || !details) return;
    merge(details.recent_events.map(toJobEvent).filter((e): e is JobEvent => e !== null));
  }, [status, details, merge]);

  const jobStatus = details ? liveJobStatus(details.status, events, snapshot) : null;
  const unfinished = jobStatus !== null && !JOB_TERMINAL.has(jobStatus);
  const pollMs = !unfinished ? null : status === "open" ? POLL_WHILE_LIVE_MS : POLL_WITHOUT_STREAM_MS;
  useEffect(() => {
    if (!pollMs) return;
    const timer = setInterval(refetch, pollMs);
    return () => clearInterval(timer);
  }, [refetch, pollMs]);

  const taskStatuses = useMemo(
    () => liveTaskStatuses(details?.tasks ?? [], events, snapshot),
    [details, events, snapshot],
  );
  return { ...query, details, events, streamStatus: status, jobStatus, taskStatuses };
}
