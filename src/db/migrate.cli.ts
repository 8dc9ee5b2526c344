import { loadConfig } from '../config';
import { openDatabaseOrExit } from './database';
import { migrateToLatest } from './migrate';

const config = loadConfig();
const handle = await openDatabaseOrExit(config);
try {
  const applied = await migrateToLatest(handle.db);
  console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
} catch (error) {
  console.error((error as Error).message);
  process.exitCode = 1;
} finally {
  await handle.close();
}
