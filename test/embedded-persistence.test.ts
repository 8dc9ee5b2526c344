import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConfiguredDatabase } from '../src/db/database';
import { migrateToLatest } from '../src/db/migrate';

const dir = mkdtempSync(join(tmpdir(), 'cabinet-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the embedded database', () => {
  it('keeps its data across a restart', async () => {
    const first = await openConfiguredDatabase({ DATA_DIR: dir });
    expect(first.engine).toBe('pglite');
    await migrateToLatest(first.db);
    await first.db.insertInto('vat_rates').values({ effective_from: '2026-01-01', rate_bp: 1600 }).execute();
    await first.close();

    const second = await openConfiguredDatabase({ DATA_DIR: dir });
    expect(await migrateToLatest(second.db)).toEqual([]);
    const rows = await second.db.selectFrom('vat_rates').selectAll().execute();
    expect(rows).toEqual([{ effective_from: '2026-01-01', rate_bp: 1600 }]);
    await second.close();
  });
});
