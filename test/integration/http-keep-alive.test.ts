import { request } from 'node:http';
import { describe, expect } from 'vitest';
import { test } from '../support/fixtures';

/** The Keep-Alive header of one GET over a fresh connection. */
function keepAliveOf(url: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false, headers: { connection: 'keep-alive' } }, (res) => {
      res.resume();
      res.once('end', () => resolve(res.headers['keep-alive']?.toString()));
    });
    req.once('error', reject);
    req.end();
  });
}

describe('HTTP keep-alive', () => {
  test('the API keeps an idle connection longer than a load balancer does (65 s), and says so', async ({
    harness: h,
  }) => {
    // A balancer keeps idle connections to the API for 60 s: with Node's 5 s, the API would close some
    // just as the balancer reuses them, and its clients would see 502s.
    expect(await keepAliveOf(h.apiUrl.replace(/\/graphql$/, '/healthz'))).toBe('timeout=65');
  });
});
