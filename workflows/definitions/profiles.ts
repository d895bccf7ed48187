/**
 * Timeout and retry profiles of the engine's activities; nothing relies on the SDK's defaults by accident.
 * Bookkeeping (state projection, lanes, transitions: short idempotent database writes) runs as local
 * activities, inside the workflow task, so a state change costs a database write and no trip through a
 * task queue. A command heartbeats every 2 s, so a worker that died is noticed (and the attempt retried)
 * within `heartbeatTimeout`. Commands enforce their own timeout; `startToClose` is only the backstop.
 */
export const activityProfiles = {
  bookkeeping: {
    startToCloseTimeout: '30 seconds',
    retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '5 seconds' },
    // Past this, retries (a database that is down) wait on durable timers instead of inside the task.
    localRetryThreshold: '10 seconds',
  },
  command: {
    heartbeatTimeout: '10 seconds',
    defaultTimeoutSeconds: 3600,
    backstopSeconds: 60,
    /** Extra Temporal attempts for attempts lost with their worker; they do not count against the policy. */
    lostWorkerAllowance: 5,
  },
  http: { defaultTimeoutSeconds: 30 },
} as const;
