// `npm run seed:demo`: 180 days of realistic delivery history for a handful of services, reported through
// the GraphQL API like any other system would (recordExternalDeployment, openIncident, resolveIncident), so
// the dashboard has something true to show. It talks to LOCKSTEP_API_URL (default: the API `npm start`
// runs) with LOCKSTEP_ADMIN_TOKEN, or the admin token `npm start` generated under LOCKSTEP_DATA_DIR.
// The history is generated from a fixed seed, so it is the same every time; a service that already has
// deployments is left alone, so a second run adds nothing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseConfig } from './config';
import { runMain } from './process';

interface ServiceProfile {
  name: string;
  team: string;
  /** Mean production deployments per working day. */
  perDay: number;
  /** Share of deployments that cause an incident. */
  failureRate: number;
  /** Typical hours from commit to production. */
  leadHours: number;
}

const services: ServiceProfile[] = [
  { name: 'checkout', team: 'payments', perDay: 3, failureRate: 0.06, leadHours: 6 },
  { name: 'ledger', team: 'payments', perDay: 0.6, failureRate: 0.12, leadHours: 40 },
  { name: 'search', team: 'discovery', perDay: 2, failureRate: 0.04, leadHours: 10 },
  { name: 'recommendations', team: 'discovery', perDay: 0.3, failureRate: 0.2, leadHours: 120 },
  { name: 'web', team: 'storefront', perDay: 4, failureRate: 0.08, leadHours: 3 },
];

/** mulberry32: a small seeded generator, so the demo history is the same every time. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hour = 3_600_000;
const hex = (next: () => number) =>
  Array.from({ length: 12 }, () => Math.floor(next() * 16).toString(16)).join('');

runMain('seed:demo', async () => {
  const config = parseConfig(process.env);
  const tokenFile = path.join(config.dataDir, 'admin-token');
  const token =
    config.adminToken ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
  if (!token)
    throw new Error(`no admin token: set LOCKSTEP_ADMIN_TOKEN or start Lockstep once (${tokenFile})`);
  const days = Number(process.env.SEED_DAYS ?? 180);
  if (!Number.isInteger(days) || days < 1 || days > 730)
    throw new Error('SEED_DAYS must be a whole number of days from 1 to 730');

  async function gql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await fetch(config.apiUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as {
      data?: T;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length) {
      const error = new Error(body.errors.map((e) => e.message).join('; '));
      Object.assign(error, { code: body.errors[0]!.extensions?.code });
      throw error;
    }
    return body.data!;
  }

  async function ensure(kind: 'service' | 'environment', input: Record<string, unknown>): Promise<string> {
    const list = kind === 'service' ? 'services' : 'environments';
    const existing = (
      await gql<Record<string, Array<{ id: string; name: string }>>>(`{ ${list} { id name } }`)
    )[list]!;
    const found = existing.find((e) => e.name === input.name);
    if (found) return found.id;
    const mutation = kind === 'service' ? 'createService(input: $i)' : 'createEnvironment(input: $i)';
    const type = kind === 'service' ? 'ServiceInput' : 'EnvironmentInput';
    const created = await gql<Record<string, { id: string }>>(
      `mutation($i: ${type}!) { ${mutation} { id } }`,
      { i: input },
    );
    return Object.values(created)[0]!.id;
  }

  const production = await ensure('environment', { name: 'production', tier: 'PRODUCTION' });
  const staging = await ensure('environment', { name: 'staging', tier: 'STAGING' });
  const end = new Date();
  end.setUTCHours(0, 0, 0, 0);
  const start = end.getTime() - days * 24 * hour;
  let deployments = 0;
  let incidents = 0;

  for (const [index, profile] of services.entries()) {
    const next = random(1000 + index);
    const serviceId = await ensure('service', { name: profile.name, team: profile.team });
    const seeded = await gql<{ deploymentRuns: { totalCount: number } }>(
      `query($s: ID!) { deploymentRuns(serviceId: $s, first: 1) { totalCount } }`,
      { s: serviceId },
    );
    if (seeded.deploymentRuns.totalCount > 0) {
      console.log(`seed:demo: ${profile.name} has deployments already; left alone`);
      continue;
    }
    const record = (input: Record<string, unknown>) =>
      gql<{ recordExternalDeployment: { id: string } }>(
        `mutation($i: ExternalDeploymentInput!) { recordExternalDeployment(input: $i) { id } }`,
        { i: { serviceId, ...input } },
      ).then((r) => r.recordExternalDeployment.id);
    let lastGood: Array<{ sha: string; committedAt: string }> = [];
    for (let day = 0; day < days; day++) {
      const date = new Date(start + day * 24 * hour);
      const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
      const count = Math.floor(
        next() * profile.perDay * 2 * (weekend ? 0.15 : 1) + (next() < 0.3 ? 1 : 0) * (weekend ? 0 : 1),
      );
      for (let i = 0; i < count; i++) {
        const finishedAt = start + day * 24 * hour + (9 + next() * 9) * hour;
        const commits = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({
          sha: hex(next),
          committedAt: new Date(finishedAt - (0.3 + next() * 2 * profile.leadHours) * hour).toISOString(),
        }));
        const timing = (at: number) => ({
          startedAt: new Date(at - (5 + next() * 20) * 60_000).toISOString(),
          finishedAt: new Date(at).toISOString(),
        });
        // Through staging first; now and then the production attempt itself fails.
        await record({
          environmentId: staging,
          status: 'SUCCEEDED',
          ...timing(finishedAt - 2 * hour),
          revision: commits.at(-1),
          commits,
        });
        if (next() < 0.04) {
          await record({
            environmentId: production,
            status: 'FAILED',
            ...timing(finishedAt - 0.5 * hour),
            revision: commits.at(-1),
            commits,
          });
        }
        const id = await record({
          environmentId: production,
          status: 'SUCCEEDED',
          ...timing(finishedAt),
          revision: commits.at(-1),
          commits,
        });
        deployments++;
        if (next() >= profile.failureRate) {
          lastGood = commits;
          continue;
        }
        // A bad change: an incident, and sometimes a rollback to the last good revision.
        const openedAt = finishedAt + (0.2 + next() * 6) * hour;
        const key = `demo-${profile.name}-${day}-${i}`;
        const opened = await gql<{ openIncident: { id: string } }>(
          `mutation($i: IncidentInput!) { openIncident(input: $i) { id } }`,
          {
            i: {
              serviceId,
              title: `${profile.name}: errors after deploy ${key}`,
              openedAt: new Date(openedAt).toISOString(),
              causedByDeploymentRunId: next() < 0.5 ? id : null,
            },
          },
        );
        incidents++;
        let restoredAt = openedAt + (0.3 + next() * next() * 30) * hour;
        if (next() < 0.4 && lastGood.length > 0) {
          const rollbackAt = openedAt + (0.2 + next()) * hour;
          await record({
            environmentId: production,
            status: 'SUCCEEDED',
            ...timing(rollbackAt),
            revision: lastGood.at(-1),
            commits: lastGood,
            isRollback: true,
          });
          deployments++;
          restoredAt = Math.max(restoredAt, rollbackAt + 0.1 * hour);
        }
        if (restoredAt < end.getTime()) {
          await gql(
            `mutation($id: ID!, $at: DateTime!) { resolveIncident(id: $id, resolvedAt: $at) { id } }`,
            {
              id: opened.openIncident.id,
              at: new Date(restoredAt).toISOString(),
            },
          );
        }
      }
    }
    // A provider outage now and then: reported, but never counted against a deployment.
    await gql(`mutation($i: IncidentInput!) { openIncident(input: $i) { id } }`, {
      i: {
        serviceId,
        title: `${profile.name}: cloud provider outage`,
        openedAt: new Date(start + days * 12 * hour).toISOString(),
        external: true,
      },
    });
    console.log(`seed:demo: ${profile.name} (${profile.team}) done`);
  }
  console.log(
    `seed:demo: ${deployments} production deployments and ${incidents} incidents over ${days} days`,
  );
});
