import { CompiledQuery, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDatabase, testDatabase } from '../../test/helpers/db';
import { statementLog } from '../../test/helpers/statement-log';
import { claimDueMail } from './outbox.queries';

const engine = process.env.TEST_DATABASE_URL ? 'PostgreSQL' : 'PGlite';
const SENT = 3000;
const WAITING = 4000;

let h: TestDatabase;
beforeAll(async () => {
  h = await testDatabase();
  // An outbox as a month's mailing finds it: the planner's statistics were taken when every
  // message had been sent, and then the month's messages were queued.
  await sql`
    insert into mail_outbox (to_address, subject, text_body, purpose, dedupe_key, status, sent_at)
    select 'sent' || g || '@example.kz', 'Invoice', repeat('x', 300), 'invoice', 'sent-' || g, 'sent', now()
    from generate_series(1, ${SENT}) g`.execute(h.db);
  await sql`analyze mail_outbox`.execute(h.db);
  await sql`
    insert into mail_outbox (to_address, subject, text_body, purpose, dedupe_key, next_attempt_at)
    select 'due' || g || '@example.kz', 'Invoice', repeat('x', 300), 'invoice', 'due-' || g,
      now() - interval '1 hour' + g * interval '1 millisecond'
    from generate_series(1, ${WAITING}) g`.execute(h.db);
}, 120_000);
afterAll(async () => {
  await h?.close();
});

type PlanNode = { 'Node Type': string; 'Index Name'?: string; 'Actual Rows': number; Plans?: PlanNode[] };
const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

describe(`claiming due mail (${engine})`, () => {
  it('reads about as many waiting messages as it claims, whatever the statistics say', async () => {
    // The statements a claim sends, replayed with EXPLAIN ANALYZE in one transaction that is
    // rolled back, so each is planned as the claim had it planned.
    const { db: logged, compiled } = statementLog(h.db);
    const claimed = await claimDueMail(logged, 40, 60_000);
    expect(claimed).toHaveLength(40);
    expect(claimed.map((m) => m.to_address).sort()).toEqual(
      Array.from({ length: 40 }, (_, i) => `due${i + 1}@example.kz`).sort(),
    );
    await sql`update mail_outbox set status = 'pending', attempts = 0, next_attempt_at = now() - interval '1 hour' + substr(dedupe_key, 5)::int * interval '1 millisecond' where dedupe_key like 'due-%'`.execute(
      h.db,
    );

    const plans: PlanNode[] = [];
    await h.db.connection().execute(async (c) => {
      await c.executeQuery(CompiledQuery.raw('begin'));
      try {
        for (const q of compiled) {
          if (/^(begin|commit|rollback)$/i.test(q.sql.trim())) continue;
          if (/^set /i.test(q.sql.trim())) {
            await c.executeQuery(q);
            continue;
          }
          const out = await c.executeQuery<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(
            CompiledQuery.raw(`explain (analyze, format json) ${q.sql}`, [...q.parameters]),
          );
          const cell = out.rows[0]?.['QUERY PLAN'];
          const parsed = typeof cell === 'string' ? JSON.parse(cell) : cell;
          plans.push(parsed[0].Plan);
        }
      } finally {
        await c.executeQuery(CompiledQuery.raw('rollback'));
      }
    });

    const nodes = plans.flatMap(nodesOf);
    expect(nodes.map((n) => n['Node Type'])).not.toContain('Sort');
    // Every step that reads the outbox reads at most the 40 it claims, not the 4,000 waiting.
    const reads = nodes.filter((n) => /Scan/.test(n['Node Type']));
    expect(reads.length).toBeGreaterThan(0);
    for (const n of reads)
      expect(n['Actual Rows'], `${n['Node Type']} ${n['Index Name'] ?? ''}`).toBeLessThanOrEqual(40);
  });

  it('never gives one message to two claims at once', async () => {
    const batches = await Promise.all(Array.from({ length: 5 }, () => claimDueMail(h.db, 30, 60_000)));
    const ids = batches.flat().map((m) => m.id);
    expect(ids).toHaveLength(150);
    expect(new Set(ids).size).toBe(150);
    const rows = await sql<{
      n: string;
    }>`select count(*) as n from mail_outbox where status = 'sending'`.execute(h.db);
    expect(Number(rows.rows[0]?.n)).toBe(150);
  });
});
