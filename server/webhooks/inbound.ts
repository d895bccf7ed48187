import express, { type Request, type Response, type Router } from 'express';
import { GraphQLError } from 'graphql';
import type { DataSource, EntityManager } from 'typeorm';
import { deploymentRunStatuses, isIn, type DeploymentRunStatus } from '../../db/domain';
import { checkWebhookSignature } from '../../db/webhook-signature';
import type { CatalogService } from '../catalog/catalog.service';
import type { ExternalDeploymentService, ReportOutcome } from '../deployment/external-deployment.service';
import type { IncidentService } from '../incident/incident.service';
import type { GithubPushHandler } from './github-push';

/** Signed inbound webhooks carry facts for DORA from systems that cannot call GraphQL. */
export interface InboundWebhookOptions {
  dataSource: DataSource;
  catalog: CatalogService;
  externalDeployments: ExternalDeploymentService;
  incidents: IncidentService;
  /** GitHub `push` events (github-push.ts); without it they are ignored. */
  githubPush?: GithubPushHandler;
  /** Shared secret of LOCKSTEP_WEBHOOK_SECRET; unset, the endpoint answers 503. */
  secret: string | undefined;
  /**
   * LOCKSTEP_WEBHOOK_UNTIMED: also accept the deprecated `sha256=<hex>` form of Lockstep events,
   * which carries no timestamp (a captured request replays forever). Off unless an operator turns it on.
   */
  acceptUntimedSignatures?: boolean;
  log: (message: string) => void;
}

const maxBodyBytes = 256 * 1024;

class Refused extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const text = (value: unknown, field: string): string => {
  if (typeof value !== 'string' || value.trim() === '' || value.length > 500) {
    throw new Refused(422, `${field} must be a non-empty string`);
  }
  return value;
};
const optional = (value: unknown, field: string) =>
  value === undefined || value === null ? undefined : text(value, field);
const instant = (value: unknown, field: string): Date => {
  const date = typeof value === 'string' ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw new Refused(422, `${field} must be an ISO-8601 date-time`);
  return date;
};
const commit = (value: unknown, field: string) => {
  const c = (value ?? {}) as Record<string, unknown>;
  return {
    sha: text(c.sha, `${field}.sha`),
    committedAt: instant(c.committedAt, `${field}.committedAt`),
    message: optional(c.message, `${field}.message`) ?? null,
    author: optional(c.author, `${field}.author`) ?? null,
  };
};

/** GitHub deployment_status states; `inactive` (a later deployment replaced it) says nothing new. */
const githubStates: Record<string, DeploymentRunStatus | null> = {
  success: 'SUCCEEDED',
  failure: 'FAILED',
  error: 'FAILED',
  in_progress: 'RUNNING',
  queued: 'RUNNING',
  pending: 'RUNNING',
  inactive: null,
};

/**
 * POST /webhooks/events: Lockstep's JSON (`X-Lockstep-Signature: t=<unix>,v1=<hex>`, refused outside
 * five minutes; `X-Lockstep-Delivery`) and GitHub's `deployment_status` events (`X-Hub-Signature-256`,
 * `X-GitHub-Delivery`), both signed with LOCKSTEP_WEBHOOK_SECRET over the raw body. A delivery id seen before
 * is answered, not applied again; a report that would move a finished deployment is answered `ignored`.
 */
export function createInboundWebhooks(options: InboundWebhookOptions): Router {
  const router = express.Router();
  const service = async (name: string) => {
    const id = await options.catalog.idByName('services', name);
    if (!id) throw new Refused(422, `no service is named "${name}"`);
    return id;
  };
  const environment = async (name: string) => {
    const id = await options.catalog.idByName('environments', name);
    if (!id) throw new Refused(422, `no environment is named "${name}"`);
    return id;
  };

  /** What an event did, as the answer tells it: `recorded` with the ids it touched, or why it changed nothing. */
  type Applied = { status: 'recorded' | 'duplicate' | 'ignored' } & Record<string, unknown>;
  const reported = (run: { id: string; status: string }, outcome: ReportOutcome): Applied =>
    outcome === 'recorded'
      ? { status: 'recorded', deploymentRunId: run.id }
      : outcome === 'unchanged'
        ? { status: 'duplicate', deploymentRunId: run.id }
        : {
            status: 'ignored',
            reason: `the deployment already finished as ${run.status}: a finished status is final`,
            deploymentRunId: run.id,
          };

  async function applyLockstep(event: Record<string, unknown>, manager: EntityManager): Promise<Applied> {
    switch (event.type) {
      case 'deployment.finished': {
        const status = String(event.status);
        if (!isIn(deploymentRunStatuses, status))
          throw new Refused(422, `status must be one of ${deploymentRunStatuses.join(', ')}`);
        const { run, outcome } = await options.externalDeployments.report(
          {
            serviceId: await service(text(event.service, 'service')),
            environmentId: await environment(text(event.environment, 'environment')),
            status,
            startedAt: instant(event.startedAt, 'startedAt'),
            finishedAt: event.finishedAt === undefined ? null : instant(event.finishedAt, 'finishedAt'),
            revision: event.revision === undefined ? null : commit(event.revision, 'revision'),
            commits: Array.isArray(event.commits)
              ? event.commits.map((c, i) => commit(c, `commits[${i}]`))
              : null,
            isRollback: event.isRollback === true,
          },
          manager,
        );
        return reported(run, outcome);
      }
      case 'incident.opened': {
        const incident = await options.incidents.open(
          {
            serviceId: await service(text(event.service, 'service')),
            title: text(event.title, 'title'),
            openedAt: instant(event.openedAt, 'openedAt'),
            causedByDeploymentRunId:
              optional(event.causedByDeploymentRunId, 'causedByDeploymentRunId') ?? null,
            external: event.external === true,
          },
          text(event.incidentId, 'incidentId'),
          manager,
        );
        return { status: 'recorded', incidentId: incident.id, attribution: incident.attribution };
      }
      case 'incident.resolved': {
        const incident = await options.incidents.resolveByKey(
          text(event.incidentId, 'incidentId'),
          instant(event.resolvedAt, 'resolvedAt'),
          manager,
        );
        return { status: 'recorded', incidentId: incident.id };
      }
      default:
        throw new Refused(422, 'type must be deployment.finished, incident.opened or incident.resolved');
    }
  }

  async function applyGithub(event: Record<string, unknown>, manager: EntityManager): Promise<Applied> {
    const status = event.deployment_status as Record<string, unknown> | undefined;
    const deployment = event.deployment as Record<string, unknown> | undefined;
    const repository = event.repository as Record<string, unknown> | undefined;
    if (!status || !deployment || !repository) throw new Refused(422, 'not a deployment_status event');
    const state = String(status.state);
    if (!(state in githubStates)) throw new Refused(422, `unknown deployment state "${state}"`);
    const mapped = githubStates[state];
    if (!mapped) return { status: 'ignored', ignored: `state ${state}` };
    // GitHub does not say when the commit was authored: its deployments count for frequency, failure rate
    // and recovery; report the commits in Lockstep's format for lead time.
    const { run, outcome } = await options.externalDeployments.report(
      {
        serviceId: await service(text(repository.name, 'repository.name')),
        environmentId: await environment(text(deployment.environment, 'deployment.environment')),
        status: mapped,
        startedAt: instant(deployment.created_at, 'deployment.created_at'),
        finishedAt: mapped === 'RUNNING' ? null : instant(status.created_at, 'deployment_status.created_at'),
        revision: null,
        commits: null,
        isRollback: false,
      },
      manager,
    );
    return reported(run, outcome);
  }

  async function handle(req: Request, res: Response): Promise<void> {
    if (!options.secret)
      throw new Refused(503, 'inbound webhooks are off: LOCKSTEP_WEBHOOK_SECRET is not set');
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const github = req.header('x-github-event') !== undefined;
    const signature = github ? req.header('x-hub-signature-256') : req.header('x-lockstep-signature');
    // GitHub's signature has no timestamp (its form is sha256=); Lockstep's events carry one.
    const check = checkWebhookSignature(options.secret, signature, body, {
      nowSeconds: Math.floor(Date.now() / 1000),
      acceptUntimed: github || options.acceptUntimedSignatures === true,
    });
    if (!check.ok) throw new Refused(401, check.reason);
    const source = github ? 'github' : 'lockstep';
    const deliveryId = github ? req.header('x-github-delivery') : req.header('x-lockstep-delivery');
    if (!deliveryId || deliveryId.length > 200)
      throw new Refused(400, `the ${source} delivery id header is missing`);
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Refused(400, 'the body is not JSON');
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      throw new Refused(400, 'the body must be a JSON object');
    const push = github && req.header('x-github-event') === 'push' && options.githubPush;
    if (github && !push && req.header('x-github-event') !== 'deployment_status') {
      res.status(202).json({ status: 'ignored', reason: `GitHub event ${req.header('x-github-event')}` });
      return;
    }
    if (push) {
      // A push starts runs (Temporal, outside this database's transaction): the claim commits first and is
      // released when the runs could not be started, so the sender may deliver the same id again.
      const claimed: unknown[] = await options.dataSource.query(
        `INSERT INTO inbound_deliveries (source, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [source, deliveryId],
      );
      if (claimed.length === 0) {
        res.status(200).json({ status: 'duplicate', deliveryId });
        return;
      }
      try {
        res.status(200).json({ status: 'recorded', deliveryId, ...(await push(event, deliveryId)) });
      } catch (error) {
        await options.dataSource.query(
          'DELETE FROM inbound_deliveries WHERE source = $1 AND delivery_id = $2',
          [source, deliveryId],
        );
        throw error;
      }
      return;
    }
    // The delivery id is claimed in the transaction that applies the event: both commit, or neither does
    // (a crash in between loses nothing, and an event refused or failed can be delivered again, same id).
    const applied = await options.dataSource.transaction(async (manager) => {
      const claimed: unknown[] = await manager.query(
        `INSERT INTO inbound_deliveries (source, delivery_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
        [source, deliveryId],
      );
      if (claimed.length === 0) return null;
      return github ? applyGithub(event, manager) : applyLockstep(event, manager);
    });
    res.status(200).json(applied ? { ...applied, deliveryId } : { status: 'duplicate', deliveryId });
  }

  router.post('/events', express.raw({ type: () => true, limit: maxBodyBytes }), (req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof Refused) {
        res.status(error.status).json({ error: error.message });
      } else if (error instanceof GraphQLError && error.extensions.code !== undefined) {
        // A domain error (bad input, not found...) of the service the event was handed to.
        res.status(error.extensions.code === 'NOT_FOUND' ? 404 : 422).json({ error: error.message });
      } else {
        options.log(
          `inbound webhook failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        );
        res.status(500).json({ error: 'internal error' });
      }
    });
  });
  router.use(
    (
      error: { type?: string; status?: number },
      _req: Request,
      res: Response,
      next: (e?: unknown) => void,
    ) => {
      if (error.type === 'entity.too.large')
        res.status(413).json({ error: `the body is over ${maxBodyBytes} bytes` });
      else if (typeof error.status === 'number' && error.status < 500)
        res.status(error.status).json({ error: 'the body cannot be read' });
      else next(error);
    },
  );
  return router;
}
