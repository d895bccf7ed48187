'use client';

/** Any page's error boundary: what went wrong, in words, and a way to try again. */
export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  const forbidden = /role|FORBIDDEN|not allowed/i.test(error.message);
  return (
    <section role="alert" className="panel">
      <h1>{forbidden ? 'Not allowed' : 'Something went wrong'}</h1>
      <p>
        {forbidden
          ? `Your token's role cannot see this page: ${error.message}`
          : error.message || 'The page could not be drawn.'}
      </p>
      {error.digest ? <p className="muted">Reference {error.digest}</p> : null}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
