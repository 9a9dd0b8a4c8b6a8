import { Link, NavLink, useLocation, useNavigate } from "react-router";

import { useAction } from "../hooks/useAction";
import { useSession } from "../hooks/useSession";
import { ErrorBanner } from "./ErrorBanner";

/** Who is signed in, with sign-in / sign-out. */
function Account() {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const action = useAction(signOut);
  if (!me) return null;
  const next = encodeURIComponent(location.pathname + location.search);
  return (
    <div className="account" data-testid="account">
      {me.authenticated ? (
        <span>
          {me.method === "local" ? "Local user " : "Signed in as "}
          <strong data-testid="account-name">{me.username}</strong>
          {me.is_staff ? <span className="badge">staff</span> : null}
        </span>
      ) : null}
      {me.method === "session" ? (
        <button
          type="button"
          className="button-small"
          disabled={action.busy}
          onClick={async () => {
            await action.run();
            navigate("/");
          }}
          data-testid="sign-out"
        >
          Sign out
        </button>
      ) : location.pathname !== "/sign-in" ? (
        <Link className="button button-small" to={`/sign-in?next=${next}`} data-testid="sign-in-link">
          Sign in
        </Link>
      ) : null}
      <ErrorBanner error={action.error} title="Could not sign out" testId="sign-out-error" />
    </div>
  );
}

/** The site header: the app's sections and the account. */
export function NavBar() {
  return (
    <header className="site-header">
      <Link to="/" className="brand" aria-label="AWE home">
        AWE
      </Link>
      <nav aria-label="Main">
        <ul>
          <li>
            <NavLink to="/" end>
              Jobs
            </NavLink>
          </li>
          <li>
            <NavLink to="/jobs/new">New job</NavLink>
          </li>
          <li>
            <NavLink to="/tools">Tools</NavLink>
          </li>
          <li>
            <a href="/api/docs">API</a>
          </li>
        </ul>
      </nav>
      <Account />
    </header>
  );
}
