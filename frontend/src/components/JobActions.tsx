import { useState } from "react";

import type { JobStatus, TaskStatus } from "../api/types";
import type { JobActionsApi } from "../hooks/useJobActions";
import { cancelAvailability, replanAvailability, retryFailedAvailability } from "../lib/actions";
import { ActionButton } from "./ActionButton";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorBanner } from "./ErrorBanner";

interface Props {
  jobStatus: JobStatus;
  taskStatuses: readonly TaskStatus[];
  actions: JobActionsApi;
}

/** Cancel (confirmed), retry the failed tasks, replan (confirmed, with optional instructions). */
export function JobActions({ jobStatus, taskStatuses, actions }: Props) {
  const [asking, setAsking] = useState<"cancel" | "replan" | null>(null);
  const [instructions, setInstructions] = useState("");
  const { perform, busy, error, notice } = actions;

  const confirm = async () => {
    const ok = await perform(asking!, asking === "replan" ? instructions.trim() : undefined);
    if (ok) {
      setAsking(null);
      setInstructions("");
    } else {
      setAsking(null);
    }
  };

  return (
    <section className="actions" aria-label="Job actions">
      <div className="action-row">
        <ActionButton
          label="Retry failed tasks"
          availability={retryFailedAvailability(jobStatus, taskStatuses)}
          busy={busy}
          onClick={() => void perform("retry_failed")}
          testId="action-retry-failed"
        />
        <ActionButton
          label="Replan…"
          availability={replanAvailability(jobStatus, taskStatuses)}
          busy={busy}
          onClick={() => setAsking("replan")}
          testId="action-replan"
        />
        <ActionButton
          label="Cancel job…"
          availability={cancelAvailability(jobStatus)}
          busy={busy}
          onClick={() => setAsking("cancel")}
          testId="action-cancel"
          danger
        />
      </div>
      <p className="notice" aria-live="polite" data-testid="action-notice">
        {notice}
      </p>
      <ErrorBanner error={error} title="The action failed" testId="action-error" />
      {asking === "cancel" ? (
        <ConfirmDialog
          title="Cancel this job?"
          confirmLabel="Cancel the job"
          danger
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(null)}
        >
          <p>Waiting and running tasks stop now; finished tasks and their artifacts are kept. This cannot be undone.</p>
        </ConfirmDialog>
      ) : null}
      {asking === "replan" ? (
        <ConfirmDialog
          title="Replan the unfinished part?"
          confirmLabel="Replan"
          busy={busy}
          onConfirm={() => void confirm()}
          onCancel={() => setAsking(null)}
        >
          <p>Finished tasks are kept; the rest is planned again as a new plan version.</p>
          <div className="field">
            <label htmlFor="replan-instructions">Instructions for the planner (optional)</label>
            <textarea
              id="replan-instructions"
              rows={3}
              maxLength={8000}
              value={instructions}
              onChange={(event) => setInstructions(event.target.value)}
              data-testid="replan-instructions"
            />
          </div>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
