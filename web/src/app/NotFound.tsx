import { Link } from "react-router-dom";

export function NotFound() {
  return (
    <div className="page-message">
      <h2>Page not found</h2>
      <p>
        <Link to="/">Back to projects</Link>
      </p>
    </div>
  );
}
