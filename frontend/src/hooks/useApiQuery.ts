import { useCallback, useEffect, useRef, useState } from "react";

import { apiRequest, isAbort } from "../api/client";
import { ApiError, describeError } from "../api/errors";

export interface Query<T> {
  data: T | null;
  error: ApiError | null;
  /** True until the first answer (or failure) for the current path. */
  loading: boolean;
  refetch: () => void;
  /** Shows `value` now (an answer the app already has, e.g. from a POST) until the next fetch. */
  setData: (value: T) => void;
}

function asApiError(error: unknown): ApiError {
  return error instanceof ApiError ? error : new ApiError(describeError(error), -1);
}

/**
 * GETs `path` (null: nothing to fetch), again on `refetch()` and every `pollMs` when given.
 * The last good data stays on screen while a refresh runs or fails; only the newest answer counts.
 */
export function useApiQuery<T>(path: string | null, pollMs: number | null = null): Query<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [tick, setTick] = useState(0);
  const latest = useRef(0);
  const shownPath = useRef<string | null>(null);

  useEffect(() => {
    if (path === null) {
      setLoading(false);
      return;
    }
    if (shownPath.current !== path) {
      shownPath.current = path;
      setData(null);
      setError(null);
      setLoading(true);
    }
    const controller = new AbortController();
    const id = ++latest.current;
    apiRequest<T>(path, { signal: controller.signal }).then(
      (value) => {
        if (id !== latest.current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (reason: unknown) => {
        if (isAbort(reason) || id !== latest.current) return;
        setError(asApiError(reason));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [path, tick]);

  useEffect(() => {
    if (path === null || !pollMs) return;
    const timer = setInterval(() => setTick((n) => n + 1), pollMs);
    return () => clearInterval(timer);
  }, [path, pollMs]);

  const refetch = useCallback(() => setTick((n) => n + 1), []);
  const replace = useCallback((value: T) => {
    latest.current += 1; // an answer to an older request must not overwrite it
    setData(value);
    setError(null);
    setLoading(false);
  }, []);
  return { data, error, loading, refetch, setData: replace };
}
