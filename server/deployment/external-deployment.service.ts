import { performance } from 'node:perf_hooks';
import type { DataSource, EntityManager } from 'typeorm';
import { withDoraRefreshDeferred } from '../../db/dora/deferred-refresh';
import { vacuumDoraReadTables } from '../../db/dora/fact-maintenance';
import { conflict } from '../errors';
import {
  addDeliveredCommits,
  externalDeploymentsByKeys,
  insertExternalDeployments,
  lockExternalDeployments,
  removeDeliveredCommits,
  updateExternalDeployments,
} from '../../db/dora/external-deployments.sql';
import { run } from '../../db/dora/statement';
import { DeploymentRunEntity } from '../../db/entities/deployment-run.entity';
import { knownOrReported, recordDeployedArtifacts } from '../../db/releases/artifacts';
import type { ExternalDeploymentInput } from './deployment.types';
import { externalDeploymentFacts, type ExternalDeploymentFact } from './external-deployment-input';
import { planReports, type KnownDeployment, type ReportOutcome } from './external-deployment-plan';

export type { ReportOutcome } from './external-deployment-plan';

/** Deployments made outside Lockstep, as reported (by GraphQL, one or a batch, or by webhook), for DORA. */
export class ExternalDeploymentService {
  /** This process's vacuum of the DORA tables in progress, and the one asked for while it runs. */
  private vacuuming: Promise<void> | null = null;
  private vacuumNext: Promise<void> | null = null;

  constructor(private readonly dataSource: DataSource) {}

  async record(input: ExternalDeploymentInput): Promise<DeploymentRunEntity> {
    return (await this.report(input)).run;
  }

  /**
   * Up to 1,000 reports, all or none: one fault refuses the batch and nothing is stored. Returns how many
   * were recorded (stored or moved forward; a finished deployment reported again is not counted).
   */
  async recordMany(inputs: readonly ExternalDeploymentInput[]): Promise<number> {
    const facts = await externalDeploymentFacts(this.dataSource.manager, inputs, { batch: true });
    const outcomes = await this.apply(facts, this.dataSource.manager);
    return outcomes.filter((o) => o.outcome === 'recorded').length;
  }

  /**
   * Reported twice (same service, environment, start and revision), a deployment is stored once; a later
   * report moves it forward (RUNNING or WAITING, then SUCCEEDED, FAILED or CANCELLED). Reports arrive out of
   * order and get replayed, so a finished deployment never moves again: a late "running" cannot take it out
   * of DORA. Runs in `manager`'s transaction when given one (the inbound webhook's, with its delivery claim).
   */
  async report(
    input: ExternalDeploymentInput,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<{ run: DeploymentRunEntity; outcome: ReportOutcome }> {
    const facts = await externalDeploymentFacts(manager, [input], { batch: false });
    const [{ id, outcome }] = (await this.apply(facts, manager)) as [{ id: string; outcome: ReportOutcome }];
    return { run: await manager.getRepository(DeploymentRunEntity).findOneByOrFail({ id }), outcome };
  }

  /**
   * Checked reports, in one transaction: a few set-wise statements whatever their number, and the DORA
   * facts refreshed once per service they touch, at the end (db/dora/deferred-refresh.ts).
   */
  private apply(facts: readonly ExternalDeploymentFact[], manager: EntityManager) {
    if (facts.length === 0) return Promise.resolve([]);
    const externalKeys = [...new Set(facts.map((f) => f.key))];
    return manager.transaction((tx) =>
      withDoraRefreshDeferred(tx, async () => {
        await run(tx, lockExternalDeployments, { externalKeys });
        const stored = await run(tx, externalDeploymentsByKeys, { externalKeys });
        const known = new Map<string, KnownDeployment>(
          stored.map((r) => [r.external_key, { id: r.id, status: r.status, finishedAt: r.finished_at }]),
        );
        const plan = planReports(facts, known);
        if (plan.inserts.length > 0) await run(tx, insertExternalDeployments, { runs: plan.inserts });
        if (plan.updates.length > 0) await run(tx, updateExternalDeployments, { updates: plan.updates });
        if (plan.addCommits.length > 0) await run(tx, addDeliveredCommits, { commits: plan.addCommits });
        if (plan.removeCommits.length > 0)
          await run(tx, removeDeliveredCommits, { commits: plan.removeCommits });
        // What each deployed: artifacts Lockstep built keep their identity (same name, version and digest).
        // Reports rarely carry any, so these go one artifact at a time.
        for (const { deploymentRunId, artifacts } of plan.artifacts) {
          const deployed = [];
          for (const fact of artifacts) deployed.push(await knownOrReported(tx, fact));
          await recordDeployedArtifacts(tx, deploymentRunId, deployed);
        }
        return plan.outcomes;
      }),
    );
  }

  /**
   * After a bulk import: the DORA tables vacuumed and analyzed now (db/dora/fact-maintenance.ts), so the
   * metrics read the new history at full speed without waiting for autovacuum. Returns the seconds it took.
   * Calls while one runs share the next one (it starts after, so it covers what they wrote).
   */
  async vacuumFacts(): Promise<number> {
    const started = performance.now();
    if (this.vacuuming === null) {
      this.vacuuming = vacuumDoraReadTables(this.dataSource)
        .then((notOwned) => {
          if (notOwned.length > 0)
            throw conflict(
              `the API's database user does not own ${notOwned.join(', ')}, and only a table's owner may vacuum it ` +
                '(docs/operations.md, Importing history)',
            );
        })
        .finally(() => (this.vacuuming = null));
      await this.vacuuming;
    } else {
      this.vacuumNext ??= this.vacuuming
        .catch(() => undefined)
        .then(() => {
          this.vacuumNext = null;
          return this.vacuumFacts();
        })
        .then(() => undefined);
      await this.vacuumNext;
    }
    return (performance.now() - started) / 1000;
  }
}
