import { Link } from "react-router-dom";

interface NotFoundProps {
  /** "Project not found"; the default is for a URL no route knows */
  title?: string;
  /** the server's words, e.g. "no project named 'nope': …" */
  message?: string;
  testId?: string;
}

/** A page that is not there: what is missing, why, and the way back to the projects. */
export function NotFound({ title = "Page not found", message, testId = "not-found" }: NotFoundProps) {
  return (
    <div className="page-message" data-testid={testId}>
      <h2>{title}</h2>
      {message && <p className="muted">{message}</p>}
      <p>
        <Link to="/">Back to projects</Link>
      </p>
    </div>
  );
}
