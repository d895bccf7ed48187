import { duration, percent, perDay } from './format';
import type {
  ActionKind,
  ActionStatus,
  DeploymentRunStatus,
  DoraLevel,
  DoraMetric,
  DoraMetrics,
  EnvironmentTier,
  ExecutionMode,
  IncidentAttribution,
  Interval,
  RunStatus,
  ServiceType,
  StageStatus,
} from './graphql-types';

/**
 * What the dashboard calls each value the API sends, and how it colours it, declared once. Each record is
 * keyed by a schema enum, so a value the API adds fails the typecheck until it has a word and a tone here.
 */

/** A colour of a badge: the CSS class `tone-<tone>` (app/styles/badges.css, colours in tokens.css). */
export type Tone = 'good' | 'active' | 'waiting' | 'bad' | 'lapsed' | 'none';

export type Status = RunStatus | StageStatus | ActionStatus | DeploymentRunStatus;

/** Runs, stages, actions and deployments share these statuses. */
export const statuses: Record<Status, { label: string; tone: Tone }> = {
  QUEUED: { label: 'queued', tone: 'waiting' },
  PENDING: { label: 'pending', tone: 'none' },
  BLOCKED: { label: 'blocked', tone: 'waiting' },
  WAITING: { label: 'waiting', tone: 'waiting' },
  WAITING_FOR_APPROVAL: { label: 'waiting for approval', tone: 'waiting' },
  RUNNING: { label: 'running', tone: 'active' },
  SUCCEEDED: { label: 'succeeded', tone: 'good' },
  FAILED: { label: 'failed', tone: 'bad' },
  REJECTED: { label: 'rejected', tone: 'bad' },
  // Nobody decided before the approval's timeout: a failure, but not someone's no.
  TIMED_OUT: { label: 'timed out', tone: 'lapsed' },
  CANCELLED: { label: 'cancelled', tone: 'none' },
  SKIPPED: { label: 'skipped', tone: 'none' },
  SUPERSEDED: { label: 'superseded', tone: 'none' },
};

export const levels: Record<DoraLevel, { label: string; tone: Tone }> = {
  ELITE: { label: 'Elite', tone: 'good' },
  HIGH: { label: 'High', tone: 'active' },
  MEDIUM: { label: 'Medium', tone: 'waiting' },
  LOW: { label: 'Low', tone: 'bad' },
};

/** The fields of DoraMetrics that are metrics. */
export type MetricKey = {
  [K in keyof DoraMetrics]: DoraMetrics[K] extends DoraMetric ? K : never;
}[keyof DoraMetrics];

/** The five metrics in the order the page shows them: name, unit (as its formatter), which way is better. */
export const metrics: Record<
  MetricKey,
  { title: string; format: (value: number | null) => string; better: 'up' | 'down' }
> = {
  deploymentFrequency: { title: 'Deployment frequency', format: perDay, better: 'up' },
  leadTimeForChanges: { title: 'Lead time for changes', format: duration, better: 'down' },
  changeFailureRate: { title: 'Change failure rate', format: percent, better: 'down' },
  timeToRestore: { title: 'Time to restore', format: duration, better: 'down' },
  deploymentReworkRate: { title: 'Rework rate', format: percent, better: 'down' },
};

export const metricKeys = Object.keys(metrics) as MetricKey[];

/** The chart series' colours: variables of app/styles/tokens.css, which SVG attributes take as they are. */
export const seriesColours = {
  deployments: 'var(--series-deployments)',
  rework: 'var(--series-rework)',
  failed: 'var(--series-failed)',
  lead: 'var(--series-lead)',
  restore: 'var(--series-restore)',
  axis: 'var(--muted)',
  grid: 'var(--border)',
} as const;

export const intervals: Record<Interval, string> = { DAY: 'day', WEEK: 'week', MONTH: 'month' };

export const executionModes: Record<ExecutionMode, string> = {
  PARALLEL: 'parallel',
  QUEUED: 'queued',
  SUPERSEDED: 'superseded',
};

/** A service's type, which picks its default stage in an environment pipeline. */
export const serviceTypes: Record<ServiceType, string> = {
  DATABASE: 'database',
  JOB: 'job',
  CONTAINER: 'container',
  APPLICATION: 'application',
};

export const environmentTiers: Record<EnvironmentTier, string> = {
  DEVELOPMENT: 'development',
  STAGING: 'staging',
  PRODUCTION: 'production',
};

export const actionKinds: Record<ActionKind, string> = {
  APPROVAL: 'approval',
  COMMAND: 'command',
  DEPLOYMENT: 'deployment',
  HTTP: 'http',
  WAIT: 'wait',
};

/** How an incident was tied to a deployment: the word, and what it means for change failure rate. */
export const attributions: Record<IncidentAttribution, { label: string; meaning: string }> = {
  EXPLICIT: { label: 'explicit', meaning: 'counts against the deployment named when it was opened' },
  HEURISTIC: {
    label: 'heuristic',
    meaning: 'counts against the latest deployment in the 24 hours before it opened',
  },
  EXTERNAL: { label: 'external', meaning: 'external: never counts against a deployment' },
  NONE: { label: 'none', meaning: 'no deployment in the 24 hours before: counts against none' },
};
