import { describe, expect, it } from 'vitest';
import {
  bearerOf,
  looksLikeToken,
  newApiToken,
  parseExpiry,
  TOKEN_PREFIX,
  tokenHash,
  tokenHint,
  tokenInQuery,
  tokenRefusal,
} from './token-rules';

const TOKEN = `${TOKEN_PREFIX}${'a'.repeat(20)}-_${'Z'.repeat(21)}`;

describe('token rules', () => {
  it('makes recognisable tokens of 256 random bits, different every time', () => {
    const a = newApiToken();
    const b = newApiToken();
    expect(a).toMatch(/^vdk_pat_[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(looksLikeToken(a)).toBe(true);
    expect(tokenHash(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenHash(a)).not.toBe(tokenHash(b));
    expect(tokenHint(a)).toBe(`${a.slice(0, 12)}…`);
  });

  it('reads a Bearer header, and tells a broken one from none', () => {
    expect(bearerOf(undefined)).toEqual({ kind: 'none' });
    expect(bearerOf('Basic dXNlcjpwYXNz')).toEqual({ kind: 'none' });
    expect(bearerOf(`Bearer ${TOKEN}`)).toEqual({ kind: 'token', token: TOKEN });
    expect(bearerOf(`bearer   ${TOKEN} `)).toEqual({ kind: 'token', token: TOKEN });
    expect(bearerOf('Bearer')).toEqual({ kind: 'malformed' });
    expect(bearerOf('Bearer abc')).toEqual({ kind: 'malformed' });
    expect(bearerOf(`Bearer ${TOKEN}x`)).toEqual({ kind: 'malformed' });
    expect(bearerOf(`Bearer ${TOKEN} extra`)).toEqual({ kind: 'malformed' });
  });

  it('finds a token in a query string by parameter name or by prefix', () => {
    expect(tokenInQuery('/api/v1/accounts/1/meters')).toBe(false);
    expect(tokenInQuery('/api/v1/accounts/1/readings?months=12')).toBe(false);
    expect(tokenInQuery(`/api/v1/x?access_token=${TOKEN}`)).toBe(true);
    expect(tokenInQuery('/api/v1/x?token=anything')).toBe(true);
    expect(tokenInQuery('/api/v1/x?API_KEY=1')).toBe(true);
    expect(tokenInQuery(`/api/v1/x?q=${TOKEN}`)).toBe(true);
    expect(tokenInQuery(`/api/v1/x?${TOKEN}`)).toBe(true);
  });

  it('refuses revoked and expired tokens, at the instant of expiry', () => {
    const now = new Date('2026-11-30T10:00:00Z');
    expect(tokenRefusal({ revokedAt: null, expiresAt: null }, now)).toBeNull();
    expect(tokenRefusal({ revokedAt: now, expiresAt: null }, now)).toBe('revoked');
    expect(tokenRefusal({ revokedAt: null, expiresAt: now }, now)).toBe('expired');
    expect(tokenRefusal({ revokedAt: null, expiresAt: new Date(now.getTime() + 1) }, now)).toBeNull();
  });

  it('reads the expiry day: the token works through that day in Almaty', () => {
    expect(parseExpiry('', '2026-11-30')).toEqual({ ok: true, expiresAt: null });
    expect(parseExpiry('2026-11-30', '2026-11-30')).toEqual({
      ok: true,
      expiresAt: new Date('2026-11-30T19:00:00Z'),
    });
    expect(parseExpiry('2026-11-29', '2026-11-30')).toEqual({ ok: false, problem: 'past' });
    expect(parseExpiry('2026-02-30', '2026-01-01')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseExpiry('31.12.2027', '2026-11-30')).toEqual({ ok: false, problem: 'invalid' });
    expect(parseExpiry('2031-12-31', '2026-11-30')).toEqual({ ok: false, problem: 'tooFar' });
  });
});
