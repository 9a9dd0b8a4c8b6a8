interface Props {
  page: number;
  count: number;
  pageSize: number;
  hasNext: boolean;
  hasPrevious: boolean;
  onPage: (page: number) => void;
}

/** Previous / next page of a server-paginated list. */
export function Pagination({ page, count, pageSize, hasNext, hasPrevious, onPage }: Props) {
  const pages = Math.max(1, Math.ceil(count / Math.max(1, pageSize)));
  return (
    <nav className="pagination" aria-label="Pages">
      <button type="button" onClick={() => onPage(page - 1)} disabled={!hasPrevious} data-testid="page-previous">
        ← Previous
      </button>
      <span aria-live="polite" data-testid="page-position">
        Page {page} of {pages} · {count} {count === 1 ? "job" : "jobs"}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={!hasNext} data-testid="page-next">
        Next →
      </button>
    </nav>
  );
}
