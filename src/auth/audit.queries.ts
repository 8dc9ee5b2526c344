import type { DB } from '../db/database';

export async function insertAuditEntry(
  db: DB,
  row: { actorUserId: number | null; action: string; subject: string; ip: string | null; details: string },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      actor_user_id: row.actorUserId,
      action: row.action,
      subject: row.subject,
      ip: row.ip,
      details: row.details,
    })
    .execute();
}
