import { Link } from "react-router";

import type { Job } from "../api/types";
import { formatTime } from "../lib/format";
import { JobProgress } from "./JobProgress";
import { StatusBadge } from "./StatusBadge";

interface Props {
  jobs: readonly Job[];
  showOwner: boolean;
}

/** The jobs of one page: goal (a link to the job), status, progress, priority, owner, created. */
export function JobTable({ jobs, showOwner }: Props) {
  return (
    <div className="table-wrap">
      <table className="jobs responsive">
        <caption className="visually-hidden">Jobs</caption>
        <thead>
          <tr>
            <th scope="col">Goal</th>
            <th scope="col">Status</th>
            <th scope="col">Progress</th>
            <th scope="col">Priority</th>
            {showOwner ? <th scope="col">Owner</th> : null}
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id} data-testid={`job-row-${job.id}`} data-status={job.status}>
              <td data-label="Goal" className="goal-cell">
                <Link to={`/jobs/${job.id}`} title={job.goal}>
                  {job.goal}
                </Link>
              </td>
              <td data-label="Status">
                <StatusBadge status={job.status} />
              </td>
              <td data-label="Progress">
                <JobProgress progress={job.progress} />
              </td>
              <td data-label="Priority">{job.priority}</td>
              {showOwner ? <td data-label="Owner">{job.owner}</td> : null}
              <td data-label="Created">
                <time dateTime={job.created_at}>{formatTime(job.created_at)}</time>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
