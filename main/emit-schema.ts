// Writes the API schema the server builds to server/schema.graphql (`npm run schema:emit`). The file is
// committed: clients and the dashboard generate types from it, and a test keeps it current and compatible
// with the contract (server/contract.graphql).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runMain } from './process';
import { printLockstepSchema } from '../server/schema';

runMain('schema:emit', async () => {
  const file = path.join(__dirname, '..', 'server', 'schema.graphql');
  await writeFile(file, await printLockstepSchema());
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
});
