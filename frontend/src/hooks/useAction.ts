import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError } from "../api/errors";

export interface Action<A extends unknown[], R> {
  run: (...args: A) => Promise<R | undefined>;
  busy: boolean;
  error: ApiError | null;
  reset: () => void;
}

/** Runs an API call on demand (a POST): busy while it runs, its error kept to be shown. */
export function useAction<A extends unknown[], R>(call: (...args: A) => Promise<R>): Action<A, R> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const run = useCallback(
    async (...args: A) => {
      setBusy(true);
      setError(null);
      try {
        return await call(...args);
      } catch (reason) {
        if (mounted.current) {
          setError(reason instanceof ApiError ? reason : new ApiError(String(reason), -1));
        }
        return undefined;
      } finally {
        if (mounted.current) setBusy(false);
      }
    },
    [call],
  );
  const reset = useCallback(() => setError(null), []);
  return { run, busy, error, reset };
}
