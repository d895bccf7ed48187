import type { PipelineEventType } from '../../db/domain';

/**
 * What a reader must see when an event arrives (docs/run-semantics.md, "Events and state"): for each event
 * type, checks on the run read right after it. A new event type is one more line in `eventStates`.
 *
 * The reader reads a little after the event, so a run that goes on by itself may already be further: checks
 * of passing states (started, succeeded) accept what follows them. Where the run waits for a person
 * (APPROVAL_REQUESTED, TRANSITION_BLOCKED, RUN_FAILED in its hold) the tests act only after the read, so
 * those checks are exact. The gates of the tests need one decision, so a decision decides its gate.
 */

export interface ActionSeen {
  name: string;
  kind: string;
  status: string;
  approvals: Array<{ approved: boolean }>;
  deploymentRun: { id: string; status: string } | null;
}

export interface StageSeen {
  name: string;
  status: string;
  actions: ActionSeen[];
}

export interface RunSeen {
  status: string;
  stages: StageSeen[];
}

export interface EventSeen {
  id: string;
  type: string;
  runId: string;
  stageName: string | null;
  actionName: string | null;
}

/** The run as read for an event, with the stage and action the event names. */
export interface Seen {
  run: RunSeen;
  stage: StageSeen | undefined;
  action: ActionSeen | undefined;
}

/** Null when the run shows what the event announces; otherwise what it shows instead. */
type Check = (seen: Seen) => string | null;

/** GraphQL selection of what the checks read. */
export const runSeenFields = `status stages { name status actions { name kind status approvals { approved } deploymentRun { id status } } }`;

const oneOf =
  (what: 'run' | 'stage' | 'action', statuses: readonly string[]): Check =>
  (seen) => {
    const status = seen[what]?.status;
    return status !== undefined && statuses.includes(status)
      ? null
      : `${what} is ${status ?? 'missing'}, expected ${statuses.join(' or ')}`;
  };
const run = (...statuses: string[]) => oneOf('run', statuses);
const stage = (...statuses: string[]) => oneOf('stage', statuses);
const action = (...statuses: string[]) => oneOf('action', statuses);

const finishedRun = ['SUCCEEDED', 'FAILED', 'CANCELLED', 'SUPERSEDED'];
const finishedAction = ['SUCCEEDED', 'FAILED', 'REJECTED', 'TIMED_OUT', 'CANCELLED', 'SKIPPED'];
/** A run, stage or action that has started, or anything after it. */
const runStarted = run('RUNNING', 'WAITING', ...finishedRun);
const stageStarted = stage('RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED', 'SKIPPED');
const actionStarted = action('RUNNING', 'WAITING_FOR_APPROVAL', ...finishedAction);

/** Nothing of the run still runs or waits: an ended run leaves no stage or action open. */
const settled: Check = ({ run: r }) => {
  const open = r.stages.flatMap((s) => [
    ...(['RUNNING', 'WAITING', 'BLOCKED'].includes(s.status) ? [`stage ${s.name} ${s.status}`] : []),
    ...s.actions
      .filter((a) => ['RUNNING', 'WAITING_FOR_APPROVAL'].includes(a.status))
      .map((a) => `action ${s.name}/${a.name} ${a.status}`),
  ]);
  return open.length === 0 ? null : `still open: ${open.join(', ')}`;
};

/**
 * A decision that decided its gate: recorded (a gate's approvals; a plan's Deployment Run no longer WAITING)
 * and the action, its stage and the run no longer wait for it.
 */
const decided =
  (approved: boolean): Check =>
  ({ action: a, stage: s, run: r }) => {
    if (!a) return 'action missing';
    // A gate's timeout rejects with no decision recorded: the action is REJECTED.
    const timedOut = !approved && a.status === 'REJECTED';
    if (a.kind === 'APPROVAL' && !timedOut && !a.approvals.some((d) => d.approved === approved))
      return `no ${approved ? 'approval' : 'rejection'} recorded`;
    if (a.kind === 'DEPLOYMENT' && (a.deploymentRun?.status ?? 'WAITING') === 'WAITING')
      return `deployment run is ${a.deploymentRun?.status ?? 'missing'}`;
    if (a.status === 'WAITING_FOR_APPROVAL') return 'action still WAITING_FOR_APPROVAL';
    if (s?.status === 'WAITING') return 'stage still WAITING';
    if (r.status === 'WAITING') return 'run still WAITING';
    return null;
  };

/** Nothing waits for the gate any more: its stage and the run no longer show WAITING for it. */
const stoppedWaiting: Check = ({ stage: s, run: r }) =>
  s?.status === 'WAITING' ? 'stage still WAITING' : r.status === 'WAITING' ? 'run still WAITING' : null;

/** A plan waiting for approval shows on the action's Deployment Run too. */
const planWaits: Check = ({ action: a }) =>
  a?.kind !== 'DEPLOYMENT' || a.deploymentRun?.status === 'WAITING'
    ? null
    : `deployment run is ${a.deploymentRun?.status ?? 'missing'}`;

export const eventStates: Record<PipelineEventType, Check[]> = {
  RUN_STARTED: [runStarted],
  STAGE_STARTED: [stageStarted, runStarted],
  ACTION_STARTED: [actionStarted, stageStarted],
  ACTION_RETRYING: [actionStarted],
  ACTION_SUCCEEDED: [action('SUCCEEDED')],
  ACTION_FAILED: [action('FAILED')],
  STAGE_SUCCEEDED: [stage('SUCCEEDED')],
  STAGE_FAILED: [stage('FAILED')],
  APPROVAL_REQUESTED: [action('WAITING_FOR_APPROVAL'), stage('WAITING'), run('WAITING'), planWaits],
  APPROVAL_GRANTED: [decided(true)],
  APPROVAL_REJECTED: [decided(false)],
  APPROVAL_EXPIRED: [action('SKIPPED')],
  APPROVAL_TIMED_OUT: [action('TIMED_OUT'), stoppedWaiting],
  ACTION_SKIPPED: [action('SKIPPED')],
  // A person's decision sent the held run on: it runs again (or is already further).
  RUN_RESUMED: [run('RUNNING', 'WAITING', ...finishedRun)],
  TRANSITION_BLOCKED: [stage('BLOCKED'), run('WAITING')],
  FREEZE_HELD: [stage('BLOCKED'), run('WAITING')],
  // The freeze no longer holds the run: it goes on (the stage starts with STAGE_STARTED).
  FREEZE_OVERRIDDEN: [run('RUNNING', ...finishedRun)],
  RUN_SUCCEEDED: [run('SUCCEEDED'), settled],
  RUN_FAILED: [run('FAILED'), settled],
  RUN_CANCELLED: [run('CANCELLED'), settled],
  RUN_SUPERSEDED: [run('SUPERSEDED'), settled],
};

/** What the run shows that the event does not announce (empty: as announced). */
export function violations(event: EventSeen, seenRun: RunSeen): string[] {
  const checks = eventStates[event.type as PipelineEventType];
  if (!checks) return [`no expectation for event ${event.type}: add it to eventStates`];
  const stageSeen = seenRun.stages.find((s) => s.name === event.stageName);
  const seen = {
    run: seenRun,
    stage: stageSeen,
    action: stageSeen?.actions.find((a) => a.name === event.actionName),
  };
  return checks.flatMap((check) => check(seen) ?? []);
}
