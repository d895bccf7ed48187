import { proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activityProfiles } from '../definitions';

/** The run's bookkeeping (projection, lane, boundaries, deployment runs): local activities, one profile. */
export const bookkeeping = proxyLocalActivities<Activities>(activityProfiles.bookkeeping);
