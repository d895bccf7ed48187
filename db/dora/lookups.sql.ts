import { statement } from './statement';

/** The services and environments facts are reported against, by name: systems reporting by webhook know
 * names, not ids. */
export const serviceIdByName = statement<{ name: string }, Array<{ id: string }>>(
  `SELECT id FROM services WHERE name = $1`,
  (p) => [p.name],
);

export const environmentIdByName = statement<{ name: string }, Array<{ id: string }>>(
  `SELECT id FROM environments WHERE name = $1`,
  (p) => [p.name],
);
