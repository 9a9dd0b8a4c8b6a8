import { useUnreachable } from "../hooks/useUnreachable";

/** Shown across every page while the API cannot be reached; gone with the next answer. */
export function UnreachableBanner() {
  const message = useUnreachable();
  if (!message) return null;
  return (
    <div className="banner banner-error banner-global" role="alert" data-testid="api-unreachable">
      <p>
        <strong>The AWE server is unreachable.</strong> {message} The page keeps trying; check that the
        server is running.
      </p>
      <button type="button" className="button-small" onClick={() => window.location.reload()}>
        Reload
      </button>
    </div>
  );
}
