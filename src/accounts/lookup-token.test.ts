import { describe, expect, it } from 'vitest';
import { signLookupToken, verifyLookupToken } from './lookup-token';

describe('lookup tokens', () => {
  const secret = 'x'.repeat(32);
  it('name the account they were issued for', () => {
    expect(verifyLookupToken(secret, signLookupToken(secret, '02015213'))).toBe('02015213');
  });
  it('refuse another account, another key, expiry and tampering', () => {
    const token = signLookupToken(secret, '02015213', 0);
    expect(verifyLookupToken(secret, token, 25 * 3600_000)).toBeNull();
    const fresh = signLookupToken(secret, '02015213');
    expect(verifyLookupToken('y'.repeat(32), fresh)).toBeNull();
    expect(verifyLookupToken(secret, fresh.replace('02015213', '02015214'))).toBeNull();
    expect(verifyLookupToken(secret, '')).toBeNull();
  });
});
