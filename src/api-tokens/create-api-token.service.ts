import type { ActContext } from '../auth/act-context';
import { audit } from '../auth/audit';
import { identityText } from '../auth/identity.messages';
import { recordLoginFailure } from '../auth/login-throttle';
import { passwordRecheckRefusal } from '../auth/password-recheck';
import { verifyPassword } from '../auth/passwords';
import { settingsUser } from '../auth/users.queries';
import { localDate } from '../calendar/calendar';
import type { DB } from '../db/database';
import { waitMessage } from '../web/action-limit';
import { apiTokensText } from './api-tokens.messages';
import { countActiveTokens, insertApiToken } from './api-tokens.queries';
import {
  isScope,
  MAX_ACTIVE_TOKENS,
  NAME_MAX,
  newApiToken,
  parseExpiry,
  SCOPES,
  type Scope,
  tokenHash,
  tokenHint,
} from './token-rules';

export interface NewTokenInput {
  name: string;
  scopes: string[];
  /** 'YYYY-MM-DD' or empty (no expiry). */
  expires: string;
  /** The current password, asked again (decision 145). */
  current: string;
  /** The key drawn into the form (decision 170); null when the form came without a valid one. */
  formKey?: string | null;
}

export type TokenErrors = Partial<Record<'name' | 'scopes' | 'expires' | 'current' | 'form', string>>;

export type CreateTokenResult =
  | { ok: true; id: number; token: string; name: string; scopes: Scope[]; expiresAt: Date | null }
  /** `duplicate`: this form made a token already (sent twice); nothing new, nothing shown again. */
  | { ok: false; errors: TokenErrors; limited?: true; duplicate?: true };

/**
 * The password asked again: a session in the wrong hands must not turn into a credential that
 * outlives it. Wrong passwords count as failed logins of this login from this client, and a
 * waiting client or a protected login is refused (decision 063), as on the email and password
 * forms.
 */
async function passwordError(db: DB, userId: number, current: string, ctx: ActContext) {
  const t = identityText[ctx.locale];
  if (!current) return t.required;
  const u = await settingsUser(db, userId);
  const refusal = await passwordRecheckRefusal(db, u.login, ctx.ip, ctx.locale);
  if (refusal) return refusal;
  if (await verifyPassword(u.password_hash, current)) return undefined;
  await recordLoginFailure(db, u.login, ctx.ip);
  return t.password.wrongCurrent;
}

/** What is wrong with the typed fields, and the parsed values. */
function checkFields(input: NewTokenInput, ctx: ActContext, now: Date) {
  const t = apiTokensText[ctx.locale].error;
  const errors: TokenErrors = {};
  const name = input.name.trim();
  if (!name) errors.name = t.nameRequired;
  else if ([...name].length > NAME_MAX) errors.name = t.nameTooLong(NAME_MAX);
  const scopes = SCOPES.filter((s) => input.scopes.includes(s));
  if (scopes.length === 0 || !input.scopes.every(isScope)) errors.scopes = t.scopesRequired;
  const expiry = parseExpiry(input.expires, localDate(now));
  if (!expiry.ok) errors.expires = t[expiry.problem];
  return { errors, name, scopes, expiresAt: expiry.ok ? expiry.expiresAt : null };
}

/**
 * Creates a personal access token for the signed-in customer. The token is answered once and
 * stored only as its SHA-256; creating it is audited (name and scopes, never the token).
 * `limit` answers the seconds to wait when the customer creates tokens too often, else 0.
 */
export async function createApiToken(
  db: DB,
  userId: number,
  input: NewTokenInput,
  ctx: ActContext & { now: Date; limit: () => Promise<number> },
): Promise<CreateTokenResult> {
  const wait = await ctx.limit();
  if (wait > 0) {
    await audit(db, { actorUserId: userId, action: 'api_token.create_limited', ip: ctx.ip });
    return { ok: false, errors: { form: waitMessage(ctx.locale, wait) }, limited: true };
  }
  const { errors, name, scopes, expiresAt } = checkFields(input, ctx, ctx.now);
  const current = await passwordError(db, userId, input.current, ctx);
  if (current) {
    errors.current = current;
    await audit(db, { actorUserId: userId, action: 'api_token.create_refused', ip: ctx.ip });
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const token = newApiToken();
  const created = await db.transaction().execute(async (tx) => {
    if ((await countActiveTokens(tx, userId, ctx.now)) >= MAX_ACTIVE_TOKENS) return null;
    const id = await insertApiToken(tx, {
      userId,
      name,
      hash: tokenHash(token),
      hint: tokenHint(token),
      scopes: [...scopes],
      expiresAt,
      formKey: input.formKey ?? null,
    });
    if (id === null) return 'duplicate' as const;
    await audit(tx, {
      actorUserId: userId,
      action: 'api_token.created',
      subject: `api_token:${id}`,
      ip: ctx.ip,
      details: { name, scopes, expiresAt: expiresAt?.toISOString() ?? null },
    });
    return id;
  });
  if (created === null) {
    return { ok: false, errors: { form: apiTokensText[ctx.locale].error.tooMany(MAX_ACTIVE_TOKENS) } };
  }
  if (created === 'duplicate') return { ok: false, errors: {}, duplicate: true };
  return { ok: true, id: created, token, name, scopes, expiresAt };
}
