import { statement } from './statement';

/** The services and environments DORA facts are reported against, looked up by id or by name. */

export const serviceExists = statement<{ id: string }, unknown[]>(
  `SELECT 1 FROM services WHERE id = $1`,
  (p) => [p.id],
);

export const environmentExists = statement<{ id: string }, unknown[]>(
  `SELECT 1 FROM environments WHERE id = $1`,
  (p) => [p.id],
);

/** Systems reporting by webhook know names, not ids. */
export const serviceIdByName = statement<{ name: string }, Array<{ id: string }>>(
  `SELECT id FROM services WHERE name = $1`,
  (p) => [p.name],
);

export const environmentIdByName = statement<{ name: string }, Array<{ id: string }>>(
  `SELECT id FROM environments WHERE name = $1`,
  (p) => [p.name],
);
