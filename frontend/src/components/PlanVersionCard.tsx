import { formatTime } from "../lib/format";
import type { PlanTaskRow, PlanVersionView } from "../lib/planVersions";
import { PlanProblems } from "./PlanProblems";

const CHANGE_TEXT = { added: "added", removed: "removed", changed: "changed" } as const;

function TaskLine({ task, version }: { task: PlanTaskRow; version: number }) {
  const label = (
    <>
      <code>{task.id}</code> <span className="muted">{task.tool || "(no tool)"}</span>
    </>
  );
  return (
    <li
      className={task.change ? `change-${task.change}` : undefined}
      data-testid={`plan-version-${version}-task-${task.id}`}
      data-change={task.change ?? "none"}
      title={task.title || undefined}
    >
      {task.change === "removed" ? <del>{label}</del> : label}
      {task.change ? (
        <span className={`badge badge-${task.change}`}>
          {CHANGE_TEXT[task.change]}
          {task.changedFields.length ? `: ${task.changedFields.join(", ")}` : ""}
        </span>
      ) : null}
    </li>
  );
}

function Differences({ view }: { view: PlanVersionView }) {
  if (view.comparedWith === null) return null;
  const { added, removed, changed } = view.counts;
  const parts = [
    added ? `${added} added` : "",
    removed ? `${removed} removed` : "",
    changed ? `${changed} changed` : "",
  ].filter(Boolean);
  return (
    <p className="muted" data-testid={`plan-version-${view.plan.version}-diff`}>
      {parts.length ? `Since version ${view.comparedWith}: ${parts.join(", ")}.` : `Same tasks as version ${view.comparedWith}.`}
    </p>
  );
}

/** One plan version: source, validity, problems, and its tasks marked against the version before. */
export function PlanVersionCard({ view, current }: { view: PlanVersionView; current: boolean }) {
  const { plan, tasks } = view;
  const own = tasks?.filter((task) => task.change !== "removed").length;
  return (
    <article
      className={`version ${current ? "version-current" : ""} ${plan.valid ? "" : "version-invalid"}`}
      data-testid={`plan-version-${plan.version}`}
      data-valid={plan.valid}
      aria-label={`Plan version ${plan.version}`}
    >
      <h3>
        Version {plan.version} {current ? <span className="badge">current</span> : null}
        {!plan.valid ? <span className="badge status-failed">rejected</span> : null}
      </h3>
      <dl className="facts">
        <dt>Source</dt>
        <dd>{plan.source || "—"}</dd>
        <dt>Tasks</dt>
        <dd>{own ?? "—"}</dd>
        <dt>Created</dt>
        <dd>{formatTime(plan.created_at)}</dd>
      </dl>
      <PlanProblems problems={plan.problems} testId={`plan-version-${plan.version}-problems`} />
      <Differences view={view} />
      {tasks === null ? (
        <p className="muted">This plan has no task list.</p>
      ) : (
        <ul className="plan-tasks" aria-label={`Tasks of version ${plan.version}`}>
          {tasks.map((task, index) => (
            <TaskLine key={`${task.change ?? ""}-${task.id}-${index}`} task={task} version={plan.version} />
          ))}
        </ul>
      )}
    </article>
  );
}
