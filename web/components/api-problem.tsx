import { ApiError } from '@/lib/api';

/** Runs a page's reads; an API refusal becomes a value the page can show instead of a crash. */
export async function load<T>(read: () => Promise<T>): Promise<{ data: T } | { problem: ApiError }> {
  try {
    return { data: await read() };
  } catch (error) {
    if (error instanceof ApiError) return { problem: error };
    throw error;
  }
}

/** What the API refused and why: a role the token lacks, bad input, or an API that is down. */
export function ApiProblem({ problem }: { problem: ApiError }) {
  const title =
    problem.code === 'FORBIDDEN'
      ? 'Your token’s role cannot see this'
      : problem.code === 'API_UNREACHABLE'
        ? 'The API is not answering'
        : problem.code === 'NOT_FOUND'
          ? 'Not found'
          : 'The API refused this request';
  return (
    <section role="alert" className="panel">
      <h1>{title}</h1>
      <p>{problem.message}</p>
      <p className="muted">Code {problem.code}</p>
    </section>
  );
}
