import { useEffect, useMemo, useRef, useState } from "react";

import type { Job, Page } from "../api/types";
import { jobsPath, type JobFilters } from "../lib/jobQuery";
import { openEventStream, type StreamStatus } from "../sse/stream";
import { useApiQuery, type Query } from "./useApiQuery";
import { useThrottled } from "./useThrottled";

/** Re-read the list this often when there is no live feed. */
export const LIST_POLL_MS = 5000;

export interface JobList extends Query<Page<Job>> {
  /** The page's jobs, as the server searched and ordered them. */
  jobs: Job[];
  feed: StreamStatus;
}

/** The job list for `filters`, refreshed on the user's live feed or, without it, by polling. */
export function useJobs(filters: JobFilters): JobList {
  const feed = useJobListFeed();
  const pollMs = feed.status === "open" ? null : LIST_POLL_MS;
  const query = useApiQuery<Page<Job>>(jobsPath(filters), pollMs);
  const refresh = useThrottled(query.refetch, 500);
  const seen = useRef(feed.changes);
  useEffect(() => {
    if (feed.changes === seen.current) return;
    seen.current = feed.changes;
    refresh();
  }, [feed.changes, refresh]);
  const jobs = useMemo(() => query.data?.results ?? [], [query.data]);
  return { ...query, jobs, feed: feed.status };
}

/**
 * GET /api/events: job-level events of the user's jobs. `changes` counts the events (and
 * reconnects, since that feed is not replayed) so the list knows to re-read itself.
 */
export function useJobListFeed(): { status: StreamStatus; changes: number } {
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const [changes, setChanges] = useState(0);
  useEffect(() => {
    let opened = false;
    const stream = openEventStream("/api/events", {
      onMessage(message) {
        if (message.event.startsWith("job.")) setChanges((n) => n + 1);
      },
      onStatus(next) {
        setStatus(next);
        if (next === "open") {
          if (opened) setChanges((n) => n + 1); // missed events while away: re-read
          opened = true;
        }
      },
    });
    return () => stream.close();
  }, []);
  return { status, changes };
}
