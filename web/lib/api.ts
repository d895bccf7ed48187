import 'server-only';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { webConfig } from './config';
import type { ActionResult } from './form';
import type { TypedDocument } from './graphql-operations';
import { tokenCookie } from './session';

/** A GraphQL error the page can explain: its `extensions.code` and message, never a stack. */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** BAD_USER_INPUT: the input path at fault, e.g. `input.stages[0].actions[1].config.command`. */
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** How long a page waits for the API before saying it is not answering. */
const requestTimeoutMs = 15_000;

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: Array<{ message: string; extensions?: { code?: string; field?: string } }>;
}

/** A document's variables: optional when it takes none, or only optional ones. */
type VariablesOf<Variables> =
  Record<string, never> extends Variables ? [variables?: Variables] : [variables: Variables];

/** Sends one operation to the API with the signed-in token (none: back to /login). */
export async function gql<Result, Variables>(
  document: TypedDocument<Result, Variables>,
  ...variables: VariablesOf<Variables>
): Promise<Result> {
  const token = (await cookies()).get(tokenCookie)?.value;
  if (!token) redirect('/login');
  return gqlWithToken(token, document, ...variables);
}

export async function gqlWithToken<Result, Variables>(
  token: string,
  query: TypedDocument<Result, Variables>,
  ...[variables]: VariablesOf<Variables>
): Promise<Result> {
  const { apiUrl } = webConfig();
  let response: Response;
  try {
    response = await fetch(apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables: variables ?? {} }),
      cache: 'no-store',
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    // The API's address stays in the server's log; the page says only what happened.
    console.error(`web: the API at ${apiUrl} did not answer: ${String(error)}`);
    throw new ApiError('API_UNREACHABLE', 'The Lockstep API is not answering; try again in a moment');
  }
  const body = (await response.json().catch(() => ({}))) as GraphQLResponse<Result>;
  const error = body.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'INTERNAL_SERVER_ERROR';
    if (code === 'UNAUTHENTICATED') redirect('/login?expired=1');
    throw new ApiError(code, error.message, error.extensions?.field ?? null);
  }
  if (!body.data) throw new ApiError('BAD_RESPONSE', `The API answered ${response.status} with no data`);
  return body.data;
}

/** For server actions: the outcome as a message the form shows, instead of an exception. */
export async function attempt(run: () => Promise<unknown>): Promise<ActionResult> {
  try {
    await run();
    return { error: null };
  } catch (error) {
    if (error instanceof ApiError) return { error: error.message, field: error.field };
    throw error; // redirects and anything unexpected
  }
}
