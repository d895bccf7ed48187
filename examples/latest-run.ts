// A script on Lockstep's typed client: prints the latest run of a pipeline as JSON.
//   LOCKSTEP_API_URL=http://localhost:4000/graphql LOCKSTEP_TOKEN=... npx tsx examples/latest-run.ts checkout
// Every document the CLI uses is exported with its result and variable types (cli/client/generated.ts).
import { createClient, PipelineByNameDocument, RunsDocument } from 'lockstep/client';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name) throw new Error('usage: latest-run.ts PIPELINE');
  const client = createClient({
    url: process.env.LOCKSTEP_API_URL ?? 'http://localhost:4000/graphql',
    token: process.env.LOCKSTEP_TOKEN ?? '',
  });
  const { pipelineByName: pipeline } = await client.request(PipelineByNameDocument, { name });
  if (!pipeline) throw new Error(`no pipeline is named ${name}`);
  const { pipelineRuns } = await client.request(RunsDocument, { pipelineId: pipeline.id, first: 1 });
  const latest = pipelineRuns.edges[0]?.node ?? null;
  console.log(JSON.stringify({ pipeline: pipeline.name, number: latest?.number, status: latest?.status }));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
