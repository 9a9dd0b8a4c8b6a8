import { useEffect, useState } from "react";

import { JOB_STATUSES } from "../api/types";
import { SORTS, type JobFilters, type SortKey } from "../lib/jobQuery";

interface Props {
  filters: JobFilters;
  onChange: (filters: JobFilters) => void;
  /** How long typing pauses before the search applies. */
  searchDelayMs?: number;
}

/** Status filter, goal search and sort of the job list. Any change goes back to page 1. */
export function JobFiltersForm({ filters, onChange, searchDelayMs = 300 }: Props) {
  const [text, setText] = useState(filters.q);
  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text === filters.q) return;
    const timer = setTimeout(() => onChange({ ...filters, q: text, page: 1 }), searchDelayMs);
    return () => clearTimeout(timer);
  }, [text, filters, onChange, searchDelayMs]);

  return (
    <form className="filters" role="search" aria-label="Filter jobs" onSubmit={(event) => event.preventDefault()}>
      <div className="field-inline">
        <label htmlFor="job-status-filter">Status</label>
        <select
          id="job-status-filter"
          value={filters.status}
          onChange={(event) => onChange({ ...filters, status: event.target.value as JobFilters["status"], page: 1 })}
          data-testid="job-status-filter"
        >
          <option value="">Any status</option>
          {JOB_STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
      </div>
      <div className="field-inline grow">
        <label htmlFor="job-search">Search goals</label>
        <input
          id="job-search"
          type="search"
          value={text}
          placeholder="Words in the goal"
          onChange={(event) => setText(event.target.value)}
          data-testid="job-search"
        />
      </div>
      <div className="field-inline">
        <label htmlFor="job-sort">Sort</label>
        <select
          id="job-sort"
          value={filters.sort}
          onChange={(event) => onChange({ ...filters, sort: event.target.value as SortKey, page: 1 })}
          data-testid="job-sort"
        >
          {Object.entries(SORTS).map(([key, label]) => (
            <option key={key} value={key}>
              {label}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}
