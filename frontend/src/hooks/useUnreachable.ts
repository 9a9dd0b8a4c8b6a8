import { useSyncExternalStore } from "react";

import { unreachable } from "../api/health";

/** The message of the last failure to reach the API, or null while it answers. */
export function useUnreachable(): string | null {
  return useSyncExternalStore(unreachable.subscribe, unreachable.get, unreachable.get);
}
