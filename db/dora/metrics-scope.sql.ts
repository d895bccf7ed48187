import { statement } from './statement';

/**
 * What every DORA metrics read runs under, in its own transaction: room to sort a window's values in
 * memory, and no just-in-time compilation (the statements are planned cheaply and run in milliseconds; it
 * would cost more than it saves). No parameters, so it goes as one simple query.
 */
export const metricsReadSettings = `SET LOCAL work_mem = '64MB'; SET LOCAL jit = off`;

export interface TeamServicesParams {
  team: string;
  /** Only these of the team's services; null for all of them. */
  serviceIds: string[] | null;
}

/** The ids of a team's services, narrowed to some services when given. */
export const servicesOfTeam = statement<TeamServicesParams, Array<{ id: string }>>(
  `SELECT id FROM services WHERE team = $1 AND ($2::uuid[] IS NULL OR id = ANY ($2::uuid[]))`,
  (p) => [p.team, p.serviceIds],
);
