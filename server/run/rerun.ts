import type { EntityManager } from 'typeorm';
import { run } from '../../db/dora/statement';
import type { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { artifactRef, artifactsOfRun, type ArtifactRef } from '../../db/releases/artifacts';
import type { RunPlan } from '../../workflows/definitions';
import { badInput, conflict } from '../errors';
import { planFromSnapshot } from './run-plan';

interface OldAction {
  id: string;
  stageRunId: string;
  /** The action run that actually executed: a reused action points at its origin. */
  origin: string;
  reused: boolean;
  outputs: Record<string, string> | null;
}

/**
 * What a rerun of a finished run from one of its stages executes (`rerunFromStage`): the run's own snapshot
 * with fresh ids. Unless `rerunUpstream`, the stages before the chosen one are reused, not entered: each
 * action carries the reuse of the action run that executed it (as promotions reuse a build, carry-over.ts),
 * so its outputs and artifacts flow on. The new run carries what the old one carried, except what the
 * stages that run again published (they publish it afresh).
 */
export async function rerunPlan(
  manager: EntityManager,
  source: PipelineRunEntity,
  stageRunId: string,
  rerunUpstream: boolean,
): Promise<{ plan: RunPlan; artifacts: ArtifactRef[] }> {
  const snapshot = source.definition as unknown as RunPlan;
  const from = snapshot.stages.find((s) => s.stageRunId === stageRunId);
  if (!from) throw badInput('stageRunId', `stage run ${stageRunId} is not a stage of run #${source.number}`);
  const fresh = planFromSnapshot(snapshot);
  const reusedAt = (position: number) => !rerunUpstream && position < from.position;

  const stageStatus = new Map<string, string>(
    (
      await manager.query<Array<{ id: string; status: string }>>(
        'SELECT id, status FROM stage_runs WHERE run_id = $1',
        [source.id],
      )
    ).map((s) => [s.id, s.status]),
  );
  const actions: OldAction[] = await manager.query(
    `SELECT id, stage_run_id AS "stageRunId", COALESCE(reused_from_action_run_id, id) AS origin,
            reused_from_action_run_id IS NOT NULL AS reused, outputs
       FROM action_runs WHERE run_id = $1`,
    [source.id],
  );
  const oldAction = new Map(actions.map((a) => [a.id, a]));
  for (const stage of snapshot.stages.filter((s) => reusedAt(s.position))) {
    const reusable =
      stageStatus.get(stage.stageRunId) === 'SUCCEEDED' ||
      actions.filter((a) => a.stageRunId === stage.stageRunId).every((a) => a.reused);
    if (!reusable) {
      throw conflict(
        `stage "${stage.name}" of run #${source.number} did not succeed, so it cannot be reused: ` +
          'rerun from it, or with rerunUpstream',
      );
    }
  }

  // What the stages that run again published is built afresh; everything else is carried.
  const rebuilt = new Set(
    snapshot.stages
      .filter((s) => !reusedAt(s.position))
      .flatMap((s) => s.actions.flatMap((a) => [a.actionRunId, oldAction.get(a.actionRunId)?.origin ?? ''])),
  );
  const carried = (await run(manager, artifactsOfRun, { runId: source.id })).filter(
    (a) => a.actionRunId === null || !rebuilt.has(a.actionRunId),
  );
  const reason = `reused from run #${source.number}: rerun from stage "${from.name}"`;

  return {
    artifacts: carried.map(artifactRef),
    plan: {
      stages: fresh.stages.map((stage, i) => {
        if (!reusedAt(stage.position)) return stage;
        const before = snapshot.stages[i]!;
        return {
          ...stage,
          reused: true,
          actions: stage.actions.map((action, j) => {
            const old = oldAction.get(before.actions[j]!.actionRunId);
            const origin = old?.origin ?? before.actions[j]!.actionRunId;
            return {
              ...action,
              reuse: {
                fromActionRunId: origin,
                outputs: old?.outputs ?? {},
                artifacts: carried.filter((a) => a.actionRunId === origin).map(artifactRef),
                reason,
              },
            };
          }),
        };
      }),
    },
  };
}
