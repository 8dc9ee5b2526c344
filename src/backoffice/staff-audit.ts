import { audit } from '../auth/audit';
import type { DB } from '../db/database';

/** Who acts in the back-office: the signed-in staff user (a request is one) and their address. */
export interface StaffActor {
  user?: { id: number } | null | undefined;
  ip: string;
}

/** Writes a staff member's action to the audit log (inside the action's transaction when given). */
export function staffAudit(
  db: DB,
  actor: StaffActor,
  action: string,
  subject: string,
  details: object = {},
): Promise<void> {
  return audit(db, { actorUserId: actor.user?.id ?? null, action, subject, ip: actor.ip, details });
}
