import type { AttemptOutcome, TaskAttempt } from "../api/types";
import { formatDuration, formatTime } from "../lib/format";

/** Each outcome's words and the status colour it borrows from the DAG. */
const OUTCOMES: Record<AttemptOutcome, { text: string; colour: string }> = {
  "": { text: "running", colour: "running" },
  succeeded: { text: "succeeded", colour: "succeeded" },
  retrying: { text: "failed, retried", colour: "retrying" },
  failed: { text: "failed", colour: "failed" },
  lost: { text: "lost (worker gone)", colour: "blocked" },
  superseded: { text: "superseded", colour: "cancelled" },
};

function Outcome({ outcome }: { outcome: string }) {
  const known = OUTCOMES[outcome as AttemptOutcome] ?? { text: outcome, colour: "pending" };
  return <span className={`badge status-${known.colour}`}>{known.text}</span>;
}

/** A task's attempts, oldest first: worker, outcome, error class and message, duration. */
export function AttemptTable({ attempts }: { attempts: readonly TaskAttempt[] }) {
  if (attempts.length === 0) {
    return (
      <p className="muted" data-testid="task-attempts">
        No attempt yet.
      </p>
    );
  }
  return (
    <div className="table-wrap">
      <table className="responsive attempts" data-testid="task-attempts">
        <caption className="visually-hidden">Attempts</caption>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Worker</th>
            <th scope="col">Outcome</th>
            <th scope="col">Error</th>
            <th scope="col">Duration</th>
          </tr>
        </thead>
        <tbody>
          {attempts.map((attempt) => (
            <tr key={attempt.number} data-testid={`task-attempt-${attempt.number}`} data-outcome={attempt.outcome || "running"}>
              <td data-label="Attempt">{attempt.number}</td>
              <td data-label="Worker">{attempt.worker || "—"}</td>
              <td data-label="Outcome">
                <Outcome outcome={attempt.outcome} />
              </td>
              <td data-label="Error">
                {attempt.error_class ? <span className="badge">{attempt.error_class}</span> : null}{" "}
                {attempt.message ? <span className="attempt-message">{attempt.message}</span> : attempt.error_class ? null : "—"}
              </td>
              <td data-label="Duration">
                <time dateTime={attempt.started_at} title={`Started ${formatTime(attempt.started_at)}`}>
                  {formatDuration(attempt.duration_s)}
                </time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
