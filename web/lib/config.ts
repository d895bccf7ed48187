import { z } from 'zod';

/**
 * The one module of web/ that reads the environment (and the command line), parsed once on first use: by
 * web/server.ts at boot, so a bad value stops the dashboard with a message that names the variable. Not
 * `server-only`: that package throws outside Next's server build, where web/server.ts runs; only server code
 * imports it (lib/api.ts, server actions).
 */

const optional = z
  .string()
  .trim()
  .transform((value) => (value === '' ? undefined : value))
  .optional();

const httpUrl = (example: string) =>
  optional.refine(
    (value) => {
      if (value === undefined) return true;
      try {
        return ['http:', 'https:'].includes(new URL(value).protocol);
      } catch {
        return false;
      }
    },
    { message: `must be an http(s) URL such as ${example}` },
  );

const port = optional.refine(
  (value) => value === undefined || (/^\d{1,5}$/.test(value) && +value >= 1 && +value <= 65535),
  {
    message: 'must be a port number (1-65535)',
  },
);

const variables = z.object({
  LOCKSTEP_API_URL: httpUrl('http://localhost:4000/graphql'),
  LOCKSTEP_PUBLIC_URL: httpUrl('https://lockstep.example.com'),
  WEB_PORT: port,
  /** `npm run web -- --port 3001`, when WEB_PORT is not set. */
  '--port': port,
});

export interface WebConfig {
  /** Where server components and the /live relay send GraphQL (the relay: the same URL, ws:). */
  apiUrl: string;
  apiWsUrl: string;
  /** The sign-in cookie is `Secure` when the dashboard is served over https (LOCKSTEP_PUBLIC_URL). */
  secureCookies: boolean;
  /** Where web/server.ts listens. */
  port: number;
}

export function parseWebConfig(env: Record<string, string | undefined>, argv: string[] = []): WebConfig {
  const portArgument = argv.indexOf('--port');
  const known = {
    LOCKSTEP_API_URL: env.LOCKSTEP_API_URL,
    LOCKSTEP_PUBLIC_URL: env.LOCKSTEP_PUBLIC_URL,
    WEB_PORT: env.WEB_PORT,
    '--port': portArgument >= 0 ? (argv[portArgument + 1] ?? '') : undefined,
  };
  const parsed = variables.safeParse(known);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]) as keyof typeof known;
      return `${name} ${issue.message} (got "${known[name]}")`;
    });
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const v = parsed.data;
  const apiUrl = v.LOCKSTEP_API_URL ?? 'http://localhost:4000/graphql';
  return {
    apiUrl,
    apiWsUrl: apiUrl.replace(/^http/, 'ws'),
    secureCookies: v.LOCKSTEP_PUBLIC_URL?.startsWith('https:') ?? false,
    port: Number(v.WEB_PORT ?? v['--port'] ?? 3000),
  };
}

let parsed: WebConfig | undefined;

export function webConfig(): WebConfig {
  return (parsed ??= parseWebConfig(process.env, process.argv));
}
