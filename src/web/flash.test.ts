import { describe, expect, it } from 'vitest';
import { type FlashCookie, openFlash, sealFlash } from './flash';

const SECRET = 's'.repeat(32);
const COOKIE: FlashCookie = { name: 'once', path: '/cabinet/tokens', maxAgeSeconds: 300 };
const NOW = new Date('2026-12-01T05:00:00Z');
const later = (s: number) => new Date(NOW.getTime() + s * 1000);

describe('flash cookies', () => {
  const sealed = sealFlash(SECRET, COOKIE, 'session-a', 'vdk_pat_secret', NOW);

  it('opens for the same session and page within its lifetime, and holds no readable value', () => {
    expect(openFlash(SECRET, COOKIE, 'session-a', sealed, later(299))).toBe('vdk_pat_secret');
    expect(sealed).not.toContain('vdk_pat');
    expect(Buffer.from(sealed.split('.')[2]!, 'base64url').toString('latin1')).not.toContain('vdk_pat');
  });

  it('refuses another session, another page, another secret, an expired or altered value', () => {
    expect(openFlash(SECRET, COOKIE, 'session-b', sealed, NOW)).toBeNull();
    expect(openFlash(SECRET, { ...COOKIE, path: '/cabinet' }, 'session-a', sealed, NOW)).toBeNull();
    expect(openFlash('t'.repeat(32), COOKIE, 'session-a', sealed, NOW)).toBeNull();
    expect(openFlash(SECRET, COOKIE, 'session-a', sealed, later(300))).toBeNull();
    const [iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    expect(
      openFlash(SECRET, COOKIE, 'session-a', [iv, tag, flipped.toString('base64url')].join('.'), NOW),
    ).toBeNull();
    for (const junk of ['', 'a.b', 'a.b.c', `${sealed}.x`])
      expect(openFlash(SECRET, COOKIE, 'session-a', junk, NOW)).toBeNull();
  });

  it('seals the same value differently each time', () => {
    expect(sealFlash(SECRET, COOKIE, 'session-a', 'v', NOW)).not.toBe(
      sealFlash(SECRET, COOKIE, 'session-a', 'v', NOW),
    );
  });
});
