import type { Role } from './graphql-types';

const ranks: Record<Role, number> = { VIEWER: 0, OPERATOR: 1, APPROVER: 2, ADMIN: 3 };

/** Whether the viewer's role is at least `needed` (the API decides; pages only hide what it would refuse). */
export const may = (role: Role, needed: Role) => ranks[role] >= ranks[needed];
