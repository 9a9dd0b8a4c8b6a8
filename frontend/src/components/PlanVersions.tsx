import type { Plan } from "../api/types";
import { planVersionViews } from "../lib/planVersions";
import { PlanVersionCard } from "./PlanVersionCard";

interface Props {
  /** Every plan version, oldest first (the details' `plans`). */
  plans: readonly Plan[];
  /** The current version (the details' `plan`). */
  current: number | null;
}

/** Plan versions side by side, each with its tasks marked against the version before. */
export function PlanVersions({ plans, current }: Props) {
  const views = planVersionViews(plans);
  if (views.length === 0) return <p className="muted">No plan yet.</p>;
  return (
    <div className="versions" data-testid="plan-versions">
      {views.map((view) => (
        <PlanVersionCard key={view.plan.version} view={view} current={view.plan.version === current} />
      ))}
    </div>
  );
}
