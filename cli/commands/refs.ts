import {
  PipelineByIdDocument,
  PipelineByNameDocument,
  RunByIdDocument,
  RunByNumberDocument,
  type LockstepClient,
  type RunViewFragment,
} from '../client';
import { CliError } from './errors';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** PIPELINE on the command line: an id, or a name. */
export async function pipelineRef(
  client: LockstepClient,
  ref: string,
): Promise<{ id: string; name: string }> {
  if (uuid.test(ref)) {
    const { pipeline } = await client.request(PipelineByIdDocument, { id: ref });
    if (pipeline) return pipeline;
  }
  const { pipelineByName } = await client.request(PipelineByNameDocument, { name: ref });
  if (!pipelineByName) throw new CliError(`no pipeline is named or has the id "${ref}"`);
  return pipelineByName;
}

/** RUN on the command line: a run id, or PIPELINE#NUMBER (e.g. checkout#12). */
export async function runRef(client: LockstepClient, ref: string): Promise<RunViewFragment> {
  const numbered = /^(.+)#(\d+)$/.exec(ref);
  if (numbered) {
    const pipeline = await pipelineRef(client, numbered[1]!);
    const { pipelineRunByNumber } = await client.request(RunByNumberDocument, {
      pipelineId: pipeline.id,
      number: Number(numbered[2]),
    });
    if (!pipelineRunByNumber) throw new CliError(`pipeline ${pipeline.name} has no run #${numbered[2]}`);
    return pipelineRunByNumber;
  }
  if (!uuid.test(ref)) throw new CliError(`"${ref}" is neither a run id nor PIPELINE#NUMBER`);
  const { pipelineRun } = await client.request(RunByIdDocument, { id: ref });
  if (!pipelineRun) throw new CliError(`no run has the id "${ref}"`);
  return pipelineRun;
}

/** How a run is named in output: checkout#12. */
export const runName = (run: { number: number; pipeline: { name: string } }) =>
  `${run.pipeline.name}#${run.number}`;
