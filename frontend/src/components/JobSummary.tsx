import type { JobDetails, JobStatus } from "../api/types";
import { formatTime } from "../lib/format";
import { JobProgress } from "./JobProgress";
import { StatusBadge } from "./StatusBadge";

interface Props {
  job: JobDetails;
  status: JobStatus;
}

/** The job's goal, live status, progress, timing, budget, usage and error. */
export function JobSummary({ job, status }: Props) {
  const budget = Object.entries(job.budget);
  return (
    <section className="panel" aria-labelledby="job-title">
      <div className="page-head">
        <h1 id="job-title" className="goal" data-testid="job-goal">
          {job.goal}
        </h1>
        <StatusBadge status={status} testId="job-status" />
      </div>
      {job.error ? (
        <div className="banner banner-error" role="alert" data-testid="job-error">
          <p>
            <strong>The job failed:</strong> {job.error}
          </p>
        </div>
      ) : null}
      <dl className="facts facts-wide">
        <dt>Job</dt>
        <dd>
          <code>{job.id}</code>
        </dd>
        <dt>Progress</dt>
        <dd>
          <JobProgress progress={job.progress} />
        </dd>
        <dt>Owner</dt>
        <dd>{job.owner}</dd>
        <dt>Priority</dt>
        <dd>{job.priority}</dd>
        <dt>Created</dt>
        <dd>{formatTime(job.created_at)}</dd>
        <dt>Started</dt>
        <dd>{formatTime(job.started_at)}</dd>
        <dt>Finished</dt>
        <dd>{formatTime(job.finished_at)}</dd>
        <dt>Budget</dt>
        <dd>{budget.length ? budget.map(([key, value]) => `${key} ${value}`).join(", ") : "server defaults"}</dd>
        <dt>LLM usage</dt>
        <dd data-testid="job-usage">
          {job.usage.calls} calls, {job.usage.tokens} tokens, ${job.usage.cost_usd.toFixed(4)}
        </dd>
      </dl>
      {Object.keys(job.context_json).length ? (
        <details>
          <summary>Context</summary>
          <pre className="json">{JSON.stringify(job.context_json, null, 2)}</pre>
        </details>
      ) : null}
    </section>
  );
}
