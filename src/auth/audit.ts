import type { DB } from '../db/database';
import { insertAuditEntry } from './audit.queries';

/** Writes one entry of the audit log: who did what to which subject, from where. */
export async function audit(
  db: DB,
  entry: {
    actorUserId: number | null;
    action: string;
    subject?: string;
    ip?: string | undefined;
    details?: object;
  },
): Promise<void> {
  await insertAuditEntry(db, {
    actorUserId: entry.actorUserId,
    action: entry.action,
    subject: entry.subject ?? '',
    ip: entry.ip ?? null,
    details: JSON.stringify(entry.details ?? {}),
  });
}
