import { Link } from "react-router";

interface Props {
  /** What was not found; the page by default. */
  what?: string;
}

/** An unknown address or an id that names nothing the user may see. */
export function NotFoundPage({ what }: Props) {
  return (
    <section className="not-found" data-testid="not-found" aria-labelledby="not-found-title">
      <h1 id="not-found-title">Not found</h1>
      <p>{what ? `There is no ${what}, or it is not yours to see.` : "There is no page at this address."}</p>
      <p>
        <Link to="/">Back to the jobs</Link>
      </p>
    </section>
  );
}
