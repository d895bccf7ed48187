/**
 * The principals that trigger runs when no person does: a signed GitHub push, a schedule's tick. Their rows
 * are made by migration Triggers and have no API token, so nobody can sign in as them; a run's
 * `triggeredBy` names them, and any approver may approve their runs.
 */
export const systemPrincipals = {
  githubPush: '00000000-0000-4000-8000-00000000f001',
  schedule: '00000000-0000-4000-8000-00000000f002',
} as const;
