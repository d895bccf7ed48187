import 'server-only';

/** The web app's configuration, read once on the server (the browser never sees it). */
export const webConfig = {
  /** Where server components and the live-feed proxy send GraphQL requests. */
  apiUrl: process.env.LOCKSTEP_API_URL ?? 'http://localhost:4000/graphql',
};
