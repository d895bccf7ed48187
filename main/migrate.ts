import { createDataSource, migrate } from '../db/data-source';
import { ConfigError, parseConfig } from './config';
import { runMain } from './process';

runMain('migrate', async () => {
  const config = parseConfig(process.env);
  if (!config.databaseUrl)
    throw new ConfigError('Invalid configuration: DATABASE_URL must be set for `npm run db:migrate`');
  const dataSource = createDataSource({
    url: config.databaseUrl,
    poolSize: 1,
    applicationName: 'lockstep-migrate',
  });
  await dataSource.initialize();
  try {
    const applied = await migrate(dataSource);
    console.log(applied.length ? `applied ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    await dataSource.destroy();
  }
});
