import type { Progress } from "../api/types";

/** "3 of 5 tasks done" with a bar; failed tasks are named. */
export function JobProgress({ progress }: { progress: Progress }) {
  const done = progress.succeeded ?? 0;
  const failed = progress.failed ?? 0;
  const total = progress.total;
  if (total === 0) return <span className="muted">no tasks yet</span>;
  return (
    <span className="progress">
      <progress max={total} value={done} aria-label={`${done} of ${total} tasks succeeded`} />
      <span>
        {done}/{total}
        {failed ? <span className="text-failed"> · {failed} failed</span> : null}
      </span>
    </span>
  );
}
