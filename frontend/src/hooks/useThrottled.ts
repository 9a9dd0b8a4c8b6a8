import { useCallback, useEffect, useRef } from "react";

/**
 * A stable function that runs `callback` at most once per `ms`: the first call schedules it,
 * later calls before it runs are folded in. Pending calls are dropped on unmount.
 */
export function useThrottled(callback: () => void, ms: number): () => void {
  const saved = useRef(callback);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    saved.current = callback;
  }, [callback]);
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );
  return useCallback(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      saved.current();
    }, ms);
  }, [ms]);
}
