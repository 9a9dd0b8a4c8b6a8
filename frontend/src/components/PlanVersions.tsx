import type { JobEvent, Plan } from "../api/types";
import { formatTime } from "../lib/format";
import { planTaskIds, planVersions } from "../lib/planVersions";
import { PlanProblems } from "./PlanProblems";

interface Props {
  events: readonly JobEvent[];
  current: Plan | null;
}

/**
 * Plan versions side by side: source, validity, size and problems of each (from the job's
 * events); the task list of the current version (the API gives the full DAG of that one only).
 */
export function PlanVersions({ events, current }: Props) {
  const versions = planVersions(events, current);
  if (versions.length === 0) return <p className="muted">No plan yet.</p>;
  const currentIds = planTaskIds(current);
  return (
    <div className="versions" data-testid="plan-versions">
      {versions.map((version) => {
        const isCurrent = current?.version === version.version;
        return (
          <article
            key={version.version}
            className={`version ${isCurrent ? "version-current" : ""} ${version.valid ? "" : "version-invalid"}`}
            data-testid={`plan-version-${version.version}`}
            aria-label={`Plan version ${version.version}`}
          >
            <h3>
              Version {version.version} {isCurrent ? <span className="badge">current</span> : null}
              {!version.valid ? <span className="badge status-failed">rejected</span> : null}
            </h3>
            <dl className="facts">
              <dt>Source</dt>
              <dd>{version.source || "—"}</dd>
              <dt>Tasks</dt>
              <dd>{version.tasks ?? "—"}</dd>
              <dt>Created</dt>
              <dd>{formatTime(version.at)}</dd>
              {version.instructions ? (
                <>
                  <dt>Instructions</dt>
                  <dd>{version.instructions}</dd>
                </>
              ) : null}
            </dl>
            <PlanProblems problems={version.problems} testId={`plan-version-${version.version}-problems`} />
            {isCurrent && currentIds.length ? (
              <p className="muted">
                Tasks: <code>{currentIds.join(", ")}</code>
              </p>
            ) : null}
          </article>
        );
      })}
    </div>
  );
}
