import { useState } from "react";

import type { JobEvent } from "../api/types";
import { describePayload } from "../lib/events";
import { formatTime } from "../lib/format";
import type { StreamStatus } from "../sse/stream";

/** How many of the newest events are shown before "Show all". */
export const TIMELINE_PAGE = 200;

const STREAM_TEXT: Record<StreamStatus, string> = {
  connecting: "Connecting…",
  open: "● Live",
  retrying: "Reconnecting…",
  unavailable: "Live updates unavailable: refreshing every few seconds",
  closed: "Closed",
};

interface Props {
  events: readonly JobEvent[];
  status: StreamStatus;
  onTask: (key: string) => void;
}

/** The job's events, newest first, one per sequence number. */
export function EventTimeline({ events, status, onTask }: Props) {
  const [all, setAll] = useState(false);
  const newestFirst = [...events].reverse();
  const shown = all ? newestFirst : newestFirst.slice(0, TIMELINE_PAGE);
  return (
    <section className="panel" aria-labelledby="timeline-title">
      <div className="panel-head">
        <h2 id="timeline-title">Events</h2>
        <span className={`feed ${status === "open" ? "feed-live" : ""}`} data-testid="event-stream-status" data-stream={status}>
          {STREAM_TEXT[status]}
        </span>
      </div>
      {events.length === 0 ? <p className="muted">No events yet.</p> : null}
      <ol className="timeline" aria-label="Events, newest first" data-testid="event-timeline">
        {shown.map((event) => (
          <li key={event.seq} data-testid={`event-${event.seq}`} data-type={event.type}>
            <span className="seq">#{event.seq}</span>
            <time dateTime={event.at}>{formatTime(event.at)}</time>
            <code className={`event-type type-${event.type.split(".")[0]}`}>{event.type}</code>
            {event.task ? (
              <button type="button" className="link-button" onClick={() => onTask(event.task!)}>
                {event.task}
              </button>
            ) : null}
            <span className="event-summary">{describePayload(event)}</span>
          </li>
        ))}
      </ol>
      {!all && newestFirst.length > TIMELINE_PAGE ? (
        <button type="button" onClick={() => setAll(true)}>
          Show all {newestFirst.length} events
        </button>
      ) : null}
    </section>
  );
}
