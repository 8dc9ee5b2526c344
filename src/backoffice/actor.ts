import type { FastifyRequest } from 'fastify';
import { audit } from '../auth/audit';
import type { DB } from '../db/database';

/** Who acts in the back-office, as the audit log records it: the staff user and their address. */
export interface StaffActor {
  userId: number | null;
  ip: string;
}

export function staffActor(req: FastifyRequest): StaffActor {
  return { userId: req.user?.id ?? null, ip: req.ip };
}

/** Writes one audit entry for a staff user's act (in the act's transaction when given one). */
export function auditStaff(
  db: DB,
  actor: StaffActor,
  action: string,
  subject: string,
  details: object = {},
): Promise<void> {
  return audit(db, { actorUserId: actor.userId, action, subject, ip: actor.ip, details });
}
