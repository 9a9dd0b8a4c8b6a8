import { createContext, useCallback, useContext, useEffect, useMemo, type ReactNode } from "react";

import { apiRequest } from "../api/client";
import type { ApiError } from "../api/errors";
import { signedOut } from "../api/health";
import type { Me } from "../api/types";
import { useApiQuery } from "./useApiQuery";

export interface Session {
  me: Me | null;
  error: ApiError | null;
  loading: boolean;
  signIn: (username: string, password: string) => Promise<Me>;
  signOut: () => Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in (GET /api/auth/me), re-read whenever the API answers 401. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const { data, error, loading, refetch, setData } = useApiQuery<Me>("/api/auth/me");
  useEffect(() => signedOut.subscribe(refetch), [refetch]);
  const signIn = useCallback(
    async (username: string, password: string) => {
      // The answer says who is signed in now: shown at once, before the page moves on.
      const me = await apiRequest<Me>("/api/auth/login", { method: "POST", body: { username, password } });
      setData(me);
      return me;
    },
    [setData],
  );
  const signOut = useCallback(async () => {
    setData(await apiRequest<Me>("/api/auth/logout", { method: "POST" }));
  }, [setData]);
  const value = useMemo(
    () => ({ me: data, error, loading, signIn, signOut }),
    [data, error, loading, signIn, signOut],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error("useSession needs a <SessionProvider> above it");
  return session;
}
