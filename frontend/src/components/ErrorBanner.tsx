import { ApiError } from "../api/errors";

interface Props {
  error: unknown;
  /** What failed, e.g. "Could not load the jobs". */
  title?: string;
  testId?: string;
  onRetry?: () => void;
}

/** An API (or other) error, shown in the page where it happened. */
export function ErrorBanner({ error, title, testId = "error-banner", onRetry }: Props) {
  if (error === null || error === undefined) return null;
  const message = error instanceof Error ? error.message : String(error);
  const status = error instanceof ApiError && error.status > 0 ? error.status : null;
  return (
    <div className="banner banner-error" role="alert" data-testid={testId}>
      <p>
        {title ? <strong>{title}: </strong> : null}
        {message}
        {status ? <span className="muted"> (HTTP {status})</span> : null}
      </p>
      {onRetry ? (
        <button type="button" className="button-small" onClick={onRetry}>
          Try again
        </button>
      ) : null}
    </div>
  );
}
