/** How many redirects one HTTP action follows, as browsers and curl do. */
export const maxRedirects = 10;

/** A redirect that is refused: it fails the attempt for good (retrying would meet the same redirect). */
export class RedirectRefused extends Error {
  override name = 'RedirectRefused';
}

export interface Redirect {
  status: number;
  to: string;
  /** True when the action's headers were left behind (the redirect leaves the origin). */
  headersDropped: boolean;
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * `fetch` that follows redirects by hand, so an HTTP action's headers (an `Authorization`, a cookie, an
 * `X-Api-Key`: any of them may carry a credential) reach only the origin they were configured for. A redirect
 * within the origin keeps them; the first redirect to another origin (scheme, host or port) drops all of them
 * for the rest of the chain. A 307/308 to another origin would re-send the request body there, so it is
 * refused instead. 301/302 after a POST and 303 after anything but HEAD turn into a GET without a body, as
 * in browsers. Only http(s) locations are followed, at most `maxRedirects` times.
 */
export async function fetchKeepingHeadersInOrigin(
  url: string,
  init: {
    method: string;
    headers: Record<string, string> | undefined;
    body: string | undefined;
    signal: AbortSignal;
  },
  onRedirect: (redirect: Redirect) => void = () => undefined,
): Promise<Response> {
  let current = new URL(url);
  let { method, body } = init;
  let headers: Record<string, string> = { ...init.headers };
  for (let hops = 0; ; hops++) {
    const response = await fetch(current, { method, headers, body, signal: init.signal, redirect: 'manual' });
    const location = response.headers.get('location');
    if (!redirectStatuses.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hops >= maxRedirects) throw new RedirectRefused(`more than ${maxRedirects} redirects`);
    let next: URL;
    try {
      next = new URL(location, current);
    } catch {
      throw new RedirectRefused(`redirected (${response.status}) to an invalid location`);
    }
    if (next.protocol !== 'http:' && next.protocol !== 'https:')
      throw new RedirectRefused(`redirected (${response.status}) to a ${next.protocol} location`);
    const status = response.status;
    if ((status === 303 && method !== 'HEAD') || ((status === 301 || status === 302) && method === 'POST')) {
      method = 'GET';
      body = undefined;
      for (const name of Object.keys(headers)) if (/^content-/i.test(name)) delete headers[name];
    }
    const crossOrigin = next.origin !== current.origin;
    if (crossOrigin && body !== undefined) {
      throw new RedirectRefused(
        `redirected (${status}) to another origin (${next.origin}) with the request body: not followed`,
      );
    }
    const headersDropped = crossOrigin && Object.keys(headers).length > 0;
    if (crossOrigin) headers = {};
    onRedirect({ status, to: next.href, headersDropped });
    current = next;
  }
}
