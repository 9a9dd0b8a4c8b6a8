import { useCallback, useEffect, useRef, useState } from "react";

import type { JobEvent } from "../api/types";
import { mergeEvents, parseEventData } from "../lib/events";
import { openEventStream, type EventStream, type StreamOptions, type StreamStatus } from "../sse/stream";

/** django-eventstream's own messages, not job events. */
const CONTROL = new Set(["stream-open", "keep-alive", "stream-error"]);

export interface JobEvents {
  /** Every event received, in seq order, each seq once. */
  events: JobEvent[];
  status: StreamStatus;
  /** Adds events from elsewhere (the details' recent_events); duplicates are dropped. */
  merge: (events: readonly JobEvent[]) => void;
  /** Reconnects now; the server replays what came after the last event received. */
  resync: () => void;
}

/** A job's event stream (GET /api/jobs/{id}/events): its history, then live events. */
export function useJobEvents(jobId: string | null, options?: Pick<StreamOptions, "minMs" | "maxMs">): JobEvents {
  const [events, setEvents] = useState<JobEvent[]>([]);
  const [status, setStatus] = useState<StreamStatus>("connecting");
  const stream = useRef<EventStream | null>(null);

  useEffect(() => {
    setEvents([]);
    if (!jobId) return;
    const opened = openEventStream(`/api/jobs/${encodeURIComponent(jobId)}/events`, {
      onMessage(message) {
        if (CONTROL.has(message.event)) return;
        const event = parseEventData(message.data);
        if (event) setEvents((current) => mergeEvents(current, [event]));
      },
      onStatus: setStatus,
    }, options);
    stream.current = opened;
    return () => {
      opened.close();
      stream.current = null;
    };
    // The options only tune reconnection delays; a new object must not reopen the stream.
  }, [jobId]);

  const merge = useCallback((incoming: readonly JobEvent[]) => {
    setEvents((current) => mergeEvents(current, incoming));
  }, []);
  const resync = useCallback(() => stream.current?.reconnect(), []);
  return { events, status, merge, resync };
}
