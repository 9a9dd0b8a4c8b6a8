import { useEffect, useRef } from "react";
import { Link } from "react-router";

import type { Artifact, JobEvent, JobStatus, Task, TaskStatus } from "../api/types";
import type { JobActionsApi } from "../hooks/useJobActions";
import { useTaskDetail } from "../hooks/useTaskDetail";
import { retryTaskAvailability } from "../lib/actions";
import { describePayload, taskRevision } from "../lib/events";
import { formatDuration, formatTime, pretty } from "../lib/format";
import { ActionButton } from "./ActionButton";
import { ArtifactList } from "./ArtifactList";
import { AttemptTable } from "./AttemptTable";
import { ErrorBanner } from "./ErrorBanner";
import { StatusBadge } from "./StatusBadge";

interface Props {
  jobId: string;
  task: Task;
  status: TaskStatus;
  jobStatus: JobStatus;
  artifacts: readonly Artifact[];
  events: readonly JobEvent[];
  actions: JobActionsApi;
  onClose: () => void;
}

/**
 * One task in full: inputs, output, error, timing, artifacts, its attempts (the task detail's
 * attempt log, re-read whenever the task's status moves) and its own events.
 */
export function TaskDrawer({ jobId, task, status, jobStatus, artifacts, events, actions, onClose }: Props) {
  const detail = useTaskDetail(jobId, task.id, taskRevision(task, status, events));
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    close.current?.focus();
  }, [task.id]);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key === "Escape" && !document.querySelector("[role=dialog][aria-modal=true]")) onClose();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [onClose]);

  const own = events.filter((event) => event.task === task.id);
  const headingId = `task-drawer-title-${task.id}`;
  return (
    <aside className="drawer" aria-labelledby={headingId} data-testid="task-drawer" data-task={task.id}>
      <div className="drawer-head">
        <h2 id={headingId}>
          Task <code>{task.id}</code>
        </h2>
        <button ref={close} type="button" onClick={onClose} aria-label="Close the task details" data-testid="task-drawer-close">
          ✕
        </button>
      </div>
      {task.title ? <p className="drawer-title">{task.title}</p> : null}
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge status={status} testId="task-status" />
        </dd>
        <dt>Tool</dt>
        <dd>
          <Link to={`/tools#tool-${task.tool}`}>{task.tool}</Link>
        </dd>
        <dt>Attempts</dt>
        <dd data-testid="task-attempts-used">
          {task.attempts} of {task.max_attempts}
        </dd>
        <dt>Depends on</dt>
        <dd>{task.depends_on.length ? task.depends_on.join(", ") : "nothing"}</dd>
        <dt>Worker</dt>
        <dd>{task.worker || "—"}</dd>
        <dt>Started</dt>
        <dd>{formatTime(task.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(task.finished_at)}</dd>
        <dt>Duration</dt>
        <dd data-testid="task-duration">{formatDuration(task.duration_s)}</dd>
      </dl>
      <ActionButton
        label="Retry this task"
        availability={retryTaskAvailability(jobStatus, status)}
        busy={actions.busy}
        onClick={() => void actions.perform("retry_task", task.id)}
        testId="action-retry-task"
      />
      {task.error ? (
        <section className="banner banner-error" data-testid="task-error">
          <h3>
            Error {task.error_class ? <span className="badge">{task.error_class}</span> : null}
          </h3>
          <pre>{task.error}</pre>
        </section>
      ) : null}
      <h3>Inputs</h3>
      <pre className="json" data-testid="task-inputs">
        {pretty(task.inputs)}
      </pre>
      <h3>Output</h3>
      <pre className="json" data-testid="task-output">
        {task.output === null ? "— (none yet)" : pretty(task.output)}
      </pre>
      <h3>Artifacts</h3>
      <ArtifactList artifacts={artifacts} showTask={false} testIdPrefix="task-artifact-link" />
      <h3>Attempts</h3>
      <ErrorBanner error={detail.error} title="Could not load the attempts" testId="task-attempts-error" onRetry={detail.refetch} />
      {detail.data?.id === task.id ? (
        <AttemptTable attempts={detail.data.attempt_log} />
      ) : detail.loading ? (
        <p aria-busy="true">Loading the attempts…</p>
      ) : null}
      <h3>Events</h3>
      {own.length === 0 ? <p className="muted">No events for this task yet.</p> : null}
      <ol className="timeline compact" data-testid="task-history">
        {own.map((event) => (
          <li key={event.seq}>
            <span className="seq">#{event.seq}</span>
            <time dateTime={event.at}>{formatTime(event.at)}</time>
            <code>{event.type}</code>
            <span className="event-summary">{describePayload(event)}</span>
          </li>
        ))}
      </ol>
    </aside>
  );
}
