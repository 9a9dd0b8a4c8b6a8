import { JOB_STATUSES, type JobStatus } from "../api/types";

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
 * The API request for `filters`. The server filters by `status`, searches the goals (`search`:
 * every word must occur), orders (`ordering`) and paginates, across the whole list; the app
 * shows its answer as it comes, without filtering or sorting again.
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
