import { useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";

import { ErrorBanner } from "../components/ErrorBanner";
import { useAction } from "../hooks/useAction";
import { useSession } from "../hooks/useSession";

/** Only same-site paths are followed after signing in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

/** Username and password sign-in (a Django session). */
export function SignInPage() {
  const { me, signIn } = useSession();
  const [search] = useSearchParams();
  const navigate = useNavigate();
  const next = safeNext(search.get("next"));
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const action = useAction(signIn);

  if (me?.method === "session") return <Navigate to={next} replace />;

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (await action.run(username, password)) navigate(next, { replace: true });
  };

  return (
    <section className="sign-in" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      {me?.sign_in_required ? <p>This AWE server needs you to sign in.</p> : null}
      {me && !me.sign_in_required && me.method === "local" ? (
        <p className="muted">You are using AWE as the local user “{me.username}”; sign in to act as another user.</p>
      ) : null}
      <form className="stack" onSubmit={onSubmit} data-testid="sign-in-form">
        <ErrorBanner error={action.error} title="Could not sign in" testId="sign-in-error" />
        <div className="field">
          <label htmlFor="username">Username</label>
          <input
            id="username"
            autoComplete="username"
            required
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            data-testid="sign-in-username"
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            data-testid="sign-in-password"
          />
        </div>
        <p>
          <button type="submit" className="button-primary" disabled={action.busy} data-testid="sign-in-submit">
            {action.busy ? "Signing in…" : "Sign in"}
          </button>
        </p>
      </form>
    </section>
  );
}
