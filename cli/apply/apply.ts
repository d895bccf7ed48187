import {
  CatalogDocument,
  LockstepError,
  PipelineByNameDocument,
  UpsertDeploymentDocument,
  UpsertEnvironmentDocument,
  UpsertPipelineDocument,
  UpsertServiceDocument,
  type LockstepClient,
  type PipelineInput,
} from '../client';
import { FileMistakes, type LoadedFile, type Path } from './document';
import type { DeploymentSpec, PipelineSpec } from './model';

type Kind = 'service' | 'environment' | 'deployment' | 'pipeline';
type Change = 'created' | 'updated' | 'unchanged';

export interface Applied {
  kind: Kind;
  name: string;
  change: Change;
}

/** Ids by name; `null` stands for an object this file creates, which has no id until it is applied. */
type Ids = Record<'service' | 'environment' | 'deployment', Map<string, string | null>>;

interface Step {
  kind: Kind;
  name: string;
  path: Path;
  /** The names it refers to, by kind (for the dry run: an object that refers to one this file creates). */
  refs: Array<{ kind: keyof Ids; name: string; path: Path }>;
  upsert(client: LockstepClient, ids: Ids, dryRun: boolean): Promise<{ change: Change; id: string }>;
}

const id = (ids: Ids, kind: keyof Ids, name: string | undefined) =>
  name === undefined ? null : (ids[kind].get(name) ?? null);

function pipelineInput(spec: PipelineSpec, ids: Ids): PipelineInput {
  return {
    name: spec.name,
    description: spec.description ?? null,
    serviceId: id(ids, 'service', spec.service),
    executionMode: spec.executionMode ?? null,
    // The file is the whole truth: a pipeline it gives no source has none.
    source: spec.source ?? null,
    stages: spec.stages.map((stage) => ({
      name: stage.name,
      environmentId: id(ids, 'environment', stage.environment),
      maxParallel: stage.maxParallel ?? null,
      transitionEnabled: stage.transitionEnabled ?? null,
      actions: stage.actions.map((action) => ({
        name: action.name,
        kind: action.kind,
        runOrder: action.runOrder ?? null,
        config:
          action.kind === 'DEPLOYMENT'
            ? { deploymentId: id(ids, 'deployment', String(action.config.deployment)) }
            : action.config,
        timeoutSeconds: action.timeoutSeconds ?? null,
        retryPolicy: action.retryPolicy ?? null,
      })),
    })),
  };
}

/** Every object of the file, in the order that lets each refer to the ones before it. */
function stepsOf({ data }: LoadedFile): Step[] {
  const steps: Step[] = [];
  (data.services ?? []).forEach((spec, i) =>
    steps.push({
      kind: 'service',
      name: spec.name,
      path: ['services', i],
      refs: [],
      upsert: async (client, _ids, dryRun) => {
        const { upsertService: r } = await client.request(UpsertServiceDocument, {
          input: { name: spec.name, team: spec.team ?? null },
          dryRun,
        });
        return { change: r.change as Change, id: r.service.id };
      },
    }),
  );
  (data.environments ?? []).forEach((spec, i) =>
    steps.push({
      kind: 'environment',
      name: spec.name,
      path: ['environments', i],
      refs: [],
      upsert: async (client, _ids, dryRun) => {
        const { upsertEnvironment: r } = await client.request(UpsertEnvironmentDocument, {
          input: spec,
          dryRun,
        });
        return { change: r.change as Change, id: r.environment.id };
      },
    }),
  );
  (data.deployments ?? []).forEach((spec: DeploymentSpec, i) =>
    steps.push({
      kind: 'deployment',
      name: spec.name,
      path: ['deployments', i],
      refs: [
        { kind: 'service', name: spec.service, path: ['deployments', i, 'service'] },
        { kind: 'environment', name: spec.environment, path: ['deployments', i, 'environment'] },
      ],
      upsert: async (client, ids, dryRun) => {
        const { upsertDeployment: r } = await client.request(UpsertDeploymentDocument, {
          input: {
            name: spec.name,
            serviceId: id(ids, 'service', spec.service) ?? '',
            environmentId: id(ids, 'environment', spec.environment) ?? '',
            planCommand: spec.planCommand ?? null,
            applyCommand: spec.applyCommand,
            requirePlanApproval: spec.requirePlanApproval ?? null,
            planApproval: spec.planApproval ?? null,
          },
          dryRun,
        });
        return { change: r.change as Change, id: r.deployment.id };
      },
    }),
  );
  (data.pipelines ?? []).forEach((spec, i) => {
    const at: Path = ['pipelines', i];
    steps.push({
      kind: 'pipeline',
      name: spec.name,
      path: at,
      refs: [
        ...(spec.service ? [{ kind: 'service' as const, name: spec.service, path: [...at, 'service'] }] : []),
        ...spec.stages.flatMap((stage, s) => [
          ...(stage.environment
            ? [
                {
                  kind: 'environment' as const,
                  name: stage.environment,
                  path: [...at, 'stages', s, 'environment'],
                },
              ]
            : []),
          ...stage.actions.flatMap((action, a) =>
            action.kind === 'DEPLOYMENT'
              ? [
                  {
                    kind: 'deployment' as const,
                    name: String(action.config.deployment),
                    path: [...at, 'stages', s, 'actions', a, 'config', 'deployment'],
                  },
                ]
              : [],
          ),
        ]),
      ],
      upsert: async (client, ids, dryRun) => {
        const { upsertPipeline: r } = await client.request(UpsertPipelineDocument, {
          input: pipelineInput(spec, ids),
          dryRun,
        });
        return { change: r.change as Change, id: r.pipeline.id };
      },
    });
  });
  return steps;
}

/** The API's path of a bad input (`input.stages[0].config.deploymentId`) as a path in the file. */
function fileField(step: Step, field: string): Path {
  const names: Record<string, string> = {
    serviceId: 'service',
    environmentId: 'environment',
    deploymentId: 'deployment',
  };
  const segments = field
    .replace(/^input\.?/, '')
    .split(/\.|\[(\d+)\]/)
    .filter((s) => s !== undefined && s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : (names[s] ?? s)));
  return [...step.path, ...segments];
}

/**
 * Applies a file: first everything is checked (names it refers to, then each object by the API in a dry
 * run), and only a file without mistakes is applied, object by object, each matched by name.
 */
export async function applyFile(
  client: LockstepClient,
  file: LoadedFile,
  dryRun: boolean,
): Promise<Applied[]> {
  const steps = stepsOf(file);
  const mistakes: Array<{ line: number; message: string }> = [];
  const mistake = (path: Path, message: string) => mistakes.push({ line: file.lineOf(path), message });

  const seen = new Set<string>();
  for (const step of steps) {
    if (seen.has(`${step.kind}:${step.name}`))
      mistake(step.path, `a second ${step.kind} named "${step.name}"`);
    seen.add(`${step.kind}:${step.name}`);
  }
  const catalog = await client.request(CatalogDocument, {});
  const ids: Ids = {
    service: new Map(catalog.services.map((s) => [s.name, s.id])),
    environment: new Map(catalog.environments.map((e) => [e.name, e.id])),
    deployment: new Map(catalog.deployments.map((d) => [d.name, d.id])),
  };
  const inFile = (kind: keyof Ids, name: string) => steps.some((s) => s.kind === kind && s.name === name);
  for (const step of steps)
    for (const ref of step.refs)
      if (!ids[ref.kind].has(ref.name) && !inFile(ref.kind, ref.name))
        mistake(ref.path, `no ${ref.kind} is named "${ref.name}", in this file or in Lockstep`);
  if (mistakes.length > 0) throw new FileMistakes(file.file, mistakes);

  // The dry run: the API checks each object as it would write it. An object that refers to one this file
  // creates cannot be checked before that one exists; it would be created, or updated to refer to it.
  const planned = new Map<Kind, Map<string, string | null>>(
    Object.entries(ids).map(([k, v]) => [k as Kind, new Map(v)]),
  );
  const plan: Applied[] = [];
  for (const step of steps) {
    const pending = step.refs.some((ref) => planned.get(ref.kind)!.get(ref.name) === null);
    try {
      if (pending) {
        const exists =
          step.kind === 'pipeline'
            ? (await client.request(PipelineByNameDocument, { name: step.name })).pipelineByName !== null
            : ids[step.kind].has(step.name);
        plan.push({ kind: step.kind, name: step.name, change: exists ? 'updated' : 'created' });
        if (!exists && step.kind !== 'pipeline') planned.get(step.kind)!.set(step.name, null);
        continue;
      }
      const plannedIds = Object.fromEntries(planned) as Ids;
      const { change } = await step.upsert(client, plannedIds, true);
      plan.push({ kind: step.kind, name: step.name, change });
      if (change === 'created' && step.kind !== 'pipeline') planned.get(step.kind)!.set(step.name, null);
    } catch (error) {
      if (!(error instanceof LockstepError && error.code === 'BAD_USER_INPUT')) throw error;
      mistake(error.field ? fileField(step, error.field) : step.path, error.message);
    }
  }
  if (mistakes.length > 0) throw new FileMistakes(file.file, mistakes);
  if (dryRun) return plan;

  const applied: Applied[] = [];
  for (const step of steps) {
    try {
      const { change, id: objectId } = await step.upsert(client, ids, false);
      if (step.kind !== 'pipeline') ids[step.kind].set(step.name, objectId);
      applied.push({ kind: step.kind, name: step.name, change });
    } catch (error) {
      if (!(error instanceof LockstepError && error.code === 'BAD_USER_INPUT')) throw error;
      const before = applied.length > 0 ? ` (the ${applied.length} object(s) before it were applied)` : '';
      throw new FileMistakes(file.file, [
        {
          line: file.lineOf(error.field ? fileField(step, error.field) : step.path),
          message: `${error.message}${before}`,
        },
      ]);
    }
  }
  return applied;
}
