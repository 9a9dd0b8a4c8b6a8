import type { ReactNode } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";

import { ErrorBoundary } from "./components/ErrorBoundary";
import { NavBar } from "./components/NavBar";
import { UnreachableBanner } from "./components/UnreachableBanner";
import { SessionProvider, useSession } from "./hooks/useSession";
import { JobPage } from "./pages/JobPage";
import { JobsPage } from "./pages/JobsPage";
import { NewJobPage } from "./pages/NewJobPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SignInPage } from "./pages/SignInPage";
import { ToolsPage } from "./pages/ToolsPage";

/** Sends a caller the server does not know to the sign-in page (when the server needs one). */
function RequireSignIn({ children }: { children: ReactNode }) {
  const { me, loading } = useSession();
  const location = useLocation();
  if (loading && !me) return <p aria-busy="true">Loading…</p>;
  if (me && !me.authenticated) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return children;
}

function AppRoutes() {
  const location = useLocation();
  return (
    // A new page gets a fresh boundary: one page's failure does not stick to the next.
    <ErrorBoundary key={location.pathname}>
      <Routes>
        <Route path="/sign-in" element={<SignInPage />} />
        <Route path="/" element={<RequireSignIn><JobsPage /></RequireSignIn>} />
        <Route path="/jobs" element={<Navigate to="/" replace />} />
        <Route path="/jobs/new" element={<RequireSignIn><NewJobPage /></RequireSignIn>} />
        <Route path="/jobs/:jobId" element={<RequireSignIn><JobPage /></RequireSignIn>} />
        <Route path="/tools" element={<RequireSignIn><ToolsPage /></RequireSignIn>} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </ErrorBoundary>
  );
}

/** The whole app, inside a router (BrowserRouter in main.tsx, MemoryRouter in tests). */
export function App() {
  return (
    <SessionProvider>
      <a className="skip-link" href="#main">
        Skip to the content
      </a>
      <NavBar />
      <UnreachableBanner />
      <main id="main" tabIndex={-1}>
        <AppRoutes />
      </main>
      <footer className="site-footer">
        <a href="/api/docs">API documentation</a> · <a href="/admin/">Admin</a>
      </footer>
    </SessionProvider>
  );
}
