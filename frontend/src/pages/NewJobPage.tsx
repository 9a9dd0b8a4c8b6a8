import { useCallback, useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { apiRequest } from "../api/client";
import { LIMITS, type Job, type JsonObject } from "../api/types";
import { BudgetFields, budgetBody, EMPTY_BUDGET, type BudgetText } from "../components/BudgetFields";
import { ErrorBanner } from "../components/ErrorBanner";
import { JsonEditor } from "../components/JsonEditor";
import { PlanProblems } from "../components/PlanProblems";
import { useAction } from "../hooks/useAction";
import { checkJsonObject } from "../lib/json";

const createJob = (body: Record<string, unknown>) => apiRequest<Job>("/api/jobs", { method: "POST", body });

/** Submit a goal for the planner, or a goal with an explicit plan (checked by the server). */
export function NewJobPage() {
  const navigate = useNavigate();
  const [goal, setGoal] = useState("");
  const [priority, setPriority] = useState(String(LIMITS.defaultPriority));
  const [context, setContext] = useState("");
  const [budget, setBudget] = useState<BudgetText>(EMPTY_BUDGET);
  const [withPlan, setWithPlan] = useState(false);
  const [plan, setPlan] = useState("");
  const [tried, setTried] = useState(false);
  const contextCheck = useMemo(() => checkJsonObject(context), [context]);
  const planCheck = useMemo(() => checkJsonObject(plan, true), [plan]);
  const submit = useAction(createJob);
  const fieldErrors = submit.error?.fields ?? {};

  const onSubmit = useCallback(
    async (event: FormEvent) => {
      event.preventDefault();
      setTried(true);
      if (!contextCheck.ok || (withPlan && !planCheck.ok)) return;
      const body: Record<string, unknown> = { goal, priority: priority.trim() === "" ? undefined : Number(priority) };
      if (contextCheck.value) body.context_json = contextCheck.value;
      const limits = budgetBody(budget);
      if (limits) body.budget = limits;
      if (withPlan && planCheck.ok) body.plan = planCheck.value as JsonObject;
      const job = await submit.run(body);
      if (job) navigate(`/jobs/${job.id}`);
    },
    [goal, priority, contextCheck, budget, withPlan, planCheck, submit, navigate],
  );

  const goalErrors = fieldErrors.goal ?? [];
  const priorityErrors = fieldErrors.priority ?? [];
  return (
    <section aria-labelledby="new-job-title">
      <h1 id="new-job-title">New job</h1>
      <form className="stack" onSubmit={onSubmit} noValidate data-testid="new-job-form">
        {/* The server's summary; each field's own errors are also shown beside it. */}
        <ErrorBanner error={submit.error} title="The job was not created" testId="new-job-error" />

        <div className="field">
          <label htmlFor="goal">Goal</label>
          <textarea
            id="goal"
            rows={4}
            required
            value={goal}
            maxLength={LIMITS.goalChars}
            onChange={(event) => setGoal(event.target.value)}
            aria-invalid={goalErrors.length > 0}
            aria-describedby="goal-count goal-errors"
            data-testid="goal"
          />
          <p id="goal-count" className="hint" data-testid="goal-count">
            {goal.length} / {LIMITS.goalChars} characters
          </p>
          <p id="goal-errors" className="field-error">
            {goalErrors.join(" ")}
          </p>
        </div>

        <div className="field field-narrow">
          <label htmlFor="priority">
            Priority ({LIMITS.priority[0]}–{LIMITS.priority[1]}, higher runs first)
          </label>
          <input
            id="priority"
            type="number"
            min={LIMITS.priority[0]}
            max={LIMITS.priority[1]}
            step={1}
            value={priority}
            onChange={(event) => setPriority(event.target.value)}
            aria-invalid={priorityErrors.length > 0}
            aria-describedby="priority-errors"
            data-testid="priority"
          />
          <p id="priority-errors" className="field-error">
            {priorityErrors.join(" ")}
          </p>
        </div>

        <JsonEditor
          id="context-json"
          label="Context (JSON object, optional)"
          hint={`Facts the planner and tools can use, e.g. {"audience": "engineers"}. Up to ${LIMITS.contextBytes / 1024} KiB.`}
          value={context}
          onChange={setContext}
          check={contextCheck}
          maxBytes={LIMITS.contextBytes}
          serverErrors={fieldErrors.context_json}
          rows={5}
          testId="context-json"
        />

        <BudgetFields value={budget} onChange={setBudget} errors={fieldErrors} />

        <fieldset>
          <legend>Plan</legend>
          <label className="choice">
            <input type="radio" name="plan-mode" checked={!withPlan} onChange={() => setWithPlan(false)} />
            Let the planner plan the goal
          </label>
          <label className="choice">
            <input
              type="radio"
              name="plan-mode"
              checked={withPlan}
              onChange={() => setWithPlan(true)}
              data-testid="plan-mode-explicit"
            />
            Give an explicit plan (JSON, checked by the server before it runs)
          </label>
          {withPlan ? (
            <>
              <JsonEditor
                id="plan-json"
                label="Plan (JSON)"
                hint={
                  <>
                    {'{"tasks": [{"id": "a", "tool": "core.write_file", "inputs": {...}, "depends_on": []}]}'} — see the
                    Plan schema in <a href="/api/docs">the API docs</a> and the tools' inputs on the Tools page.
                  </>
                }
                value={plan}
                onChange={setPlan}
                check={planCheck}
                showEmptyError={tried}
                serverErrors={fieldErrors.plan}
                rows={12}
                upload
                testId="plan-json"
              />
              <PlanProblems problems={submit.error?.planProblems ?? []} testId="plan-problems" />
            </>
          ) : null}
        </fieldset>

        <p>
          <button type="submit" className="button-primary" disabled={submit.busy} data-testid="submit-job">
            {submit.busy ? "Submitting…" : "Submit job"}
          </button>
        </p>
      </form>
    </section>
  );
}
