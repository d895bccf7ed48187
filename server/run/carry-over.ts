import type { EntityManager } from 'typeorm';
import { run } from '../../db/dora/statement';
import type { PipelineRunEntity } from '../../db/entities/pipeline-run.entity';
import { artifactRef, artifactsOfRun, type ArtifactRef } from '../../db/releases/artifacts';
import type { ActionPlan, RunPlan } from '../../workflows/definitions';

/** An action of the known-good run that published (or itself reused) artifacts the run carries. */
interface Publisher {
  stageName: string;
  actionName: string;
  /** The action run that actually executed: a reused action points at its origin. */
  origin: string;
  outputs: Record<string, string> | null;
}

/**
 * What a promotion or a rollback takes from a known-good run: the artifacts it carries, and the plan with
 * each action that published them marked to be reused rather than executed (build once). An action of the
 * new plan matches a publisher by stage and action name, else by action name alone when only one publisher
 * has it (another pipeline's build stage may be named differently).
 */
export async function carryOver(
  manager: EntityManager,
  source: PipelineRunEntity,
  sourcePipelineName: string,
  plan: RunPlan,
): Promise<{ plan: RunPlan; artifacts: ArtifactRef[] }> {
  const carried = await run(manager, artifactsOfRun, { runId: source.id });
  const artifacts = carried.map(artifactRef);
  if (artifacts.length === 0) return { plan, artifacts };
  const publishers: Publisher[] = await manager.query(
    `SELECT s.name AS "stageName", a.name AS "actionName", COALESCE(a.reused_from_action_run_id, a.id) AS origin,
            a.outputs
       FROM action_runs a JOIN stage_runs s ON s.id = a.stage_run_id
      WHERE a.run_id = $1 AND a.kind = 'COMMAND' AND a.status IN ('SUCCEEDED', 'SKIPPED')
        AND EXISTS (SELECT 1 FROM artifacts x WHERE x.action_run_id = COALESCE(a.reused_from_action_run_id, a.id))`,
    [source.id],
  );
  const find = (stageName: string, action: ActionPlan): Publisher | undefined => {
    const exact = publishers.find((p) => p.stageName === stageName && p.actionName === action.name);
    if (exact) return exact;
    const named = publishers.filter((p) => p.actionName === action.name);
    return named.length === 1 ? named[0] : undefined;
  };
  return {
    artifacts,
    plan: {
      stages: plan.stages.map((stage) => ({
        ...stage,
        actions: stage.actions.map((action) => {
          const publisher = action.kind === 'COMMAND' ? find(stage.name, action) : undefined;
          if (!publisher) return action;
          const reused = carried.filter((a) => a.actionRunId === publisher.origin).map(artifactRef);
          if (reused.length === 0) return action;
          const what = reused.map((a) => `${a.name} ${a.version}`).join(', ');
          return {
            ...action,
            reuse: {
              fromActionRunId: publisher.origin,
              outputs: publisher.outputs ?? {},
              artifacts: reused,
              reason: `reused: ${what} built by ${sourcePipelineName} run #${source.number}`,
            },
          };
        }),
      })),
    },
  };
}
