import { JOB_STATUSES, type Job, type JobStatus } from "../api/types";

/** The job list's filters, as they appear in the page URL (?status=&q=&sort=&page=). */
export interface JobFilters {
  status: JobStatus | "";
  q: string;
  sort: SortKey;
  page: number;
}

export const SORTS = {
  "-created_at": "Newest first",
  created_at: "Oldest first",
  "-priority": "Highest priority",
  status: "Status",
  goal: "Goal (A–Z)",
} as const;
export type SortKey = keyof typeof SORTS;

export const DEFAULT_FILTERS: JobFilters = { status: "", q: "", sort: "-created_at", page: 1 };

export function filtersFromSearch(search: URLSearchParams): JobFilters {
  const status = search.get("status") ?? "";
  const sort = search.get("sort") ?? "";
  const page = Number.parseInt(search.get("page") ?? "1", 10);
  return {
    status: (JOB_STATUSES as readonly string[]).includes(status) ? (status as JobStatus) : "",
    q: search.get("q") ?? "",
    sort: sort in SORTS ? (sort as SortKey) : DEFAULT_FILTERS.sort,
    page: Number.isFinite(page) && page > 0 ? page : 1,
  };
}

/** The page URL's query for `filters`, leaving defaults out. */
export function searchFromFilters(filters: JobFilters): URLSearchParams {
  const search = new URLSearchParams();
  if (filters.status) search.set("status", filters.status);
  if (filters.q) search.set("q", filters.q);
  if (filters.sort !== DEFAULT_FILTERS.sort) search.set("sort", filters.sort);
  if (filters.page > 1) search.set("page", String(filters.page));
  return search;
}

/**
 * The API request for `filters`. `status` and `page` are filtered by the server; `search` and
 * `ordering` are sent too, and the page also applies them to what it received (see narrowJobs).
 */
export function jobsPath(filters: JobFilters): string {
  const query = new URLSearchParams();
  if (filters.status) query.set("status", filters.status);
  if (filters.q.trim()) query.set("search", filters.q.trim());
  if (filters.sort !== DEFAULT_FILTERS.sort) query.set("ordering", filters.sort);
  if (filters.page > 1) query.set("page", String(filters.page));
  const text = query.toString();
  return text ? `/api/jobs?${text}` : "/api/jobs";
}

const STATUS_ORDER: Record<JobStatus, number> = Object.fromEntries(JOB_STATUSES.map((s, i) => [s, i])) as Record<
  JobStatus,
  number
>;

function compare(sort: SortKey): (a: Job, b: Job) => number {
  switch (sort) {
    case "created_at":
      return (a, b) => a.created_at.localeCompare(b.created_at);
    case "-priority":
      return (a, b) => b.priority - a.priority || b.created_at.localeCompare(a.created_at);
    case "status":
      return (a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status] || b.created_at.localeCompare(a.created_at);
    case "goal":
      return (a, b) => a.goal.localeCompare(b.goal, undefined, { sensitivity: "base" });
    default:
      return (a, b) => b.created_at.localeCompare(a.created_at);
  }
}

/**
 * The goal search and the sort, applied to the jobs of the page received. A server that already
 * searched and sorted gives the same list back; one that ignores `search`/`ordering` is covered
 * for the page on screen.
 */
export function narrowJobs(jobs: readonly Job[], filters: JobFilters): Job[] {
  const needle = filters.q.trim().toLocaleLowerCase();
  const kept = needle ? jobs.filter((job) => job.goal.toLocaleLowerCase().includes(needle)) : [...jobs];
  return kept.sort(compare(filters.sort));
}
