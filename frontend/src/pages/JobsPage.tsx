import { useCallback, useMemo } from "react";
import { Link, useSearchParams } from "react-router";

import { ErrorBanner } from "../components/ErrorBanner";
import { JobFiltersForm } from "../components/JobFiltersForm";
import { JobTable } from "../components/JobTable";
import { Pagination } from "../components/Pagination";
import { useJobs } from "../hooks/useJobs";
import { useSession } from "../hooks/useSession";
import { filtersFromSearch, searchFromFilters, type JobFilters } from "../lib/jobQuery";
import type { StreamStatus } from "../sse/stream";

function pageSizeOf(page: number, count: number, received: number, hasNext: boolean): number {
  if (hasNext || page === 1) return Math.max(received, 1);
  return Math.max(Math.round((count - received) / (page - 1)), 1);
}

function FeedState({ status }: { status: StreamStatus }) {
  const live = status === "open";
  return (
    <span className={`feed ${live ? "feed-live" : ""}`} data-testid="list-feed" data-feed={status}>
      {live ? "● Live" : status === "connecting" ? "Connecting…" : "Refreshing every few seconds"}
    </span>
  );
}

/** Every job the user may see, filtered, searched, sorted and paginated, updating live. */
export function JobsPage() {
  const [search, setSearch] = useSearchParams();
  const key = search.toString();
  // One filters object per query string, so effects that depend on it do not rerun every render.
  const filters = useMemo(() => filtersFromSearch(new URLSearchParams(key)), [key]);
  const onChange = useCallback((next: JobFilters) => setSearch(searchFromFilters(next)), [setSearch]);
  const { data, jobs, error, loading, refetch, feed } = useJobs(filters);
  const { me } = useSession();

  const filtered = filters.status !== "" || filters.q !== "";
  return (
    <section aria-labelledby="jobs-title">
      <div className="page-head">
        <h1 id="jobs-title">Jobs</h1>
        <FeedState status={feed} />
        <Link className="button button-primary" to="/jobs/new" data-testid="new-job-link">
          New job
        </Link>
      </div>
      <JobFiltersForm filters={filters} onChange={onChange} />
      <ErrorBanner error={error} title="Could not load the jobs" testId="jobs-error" onRetry={refetch} />
      {loading && !data ? <p aria-busy="true">Loading jobs…</p> : null}
      {data && jobs.length > 0 ? <JobTable jobs={jobs} showOwner={Boolean(me?.is_staff)} /> : null}
      {data && jobs.length === 0 ? (
        <p className="empty" data-testid="jobs-empty">
          {filtered ? "No job matches these filters." : "No jobs yet. "}
          {filtered ? null : <Link to="/jobs/new">Submit a goal</Link>}
        </p>
      ) : null}
      {data && data.count > 0 ? (
        <Pagination
          page={filters.page}
          count={data.count}
          pageSize={pageSizeOf(filters.page, data.count, data.results.length, data.next !== null)}
          hasNext={data.next !== null}
          hasPrevious={data.previous !== null}
          onPage={(page) => onChange({ ...filters, page })}
        />
      ) : null}
    </section>
  );
}
