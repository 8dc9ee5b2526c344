import { describe, expect, it } from 'vitest';
import {
  CURRENT_PASSWORD_HASH_PREFIX,
  hashPassword,
  passwordCheckPlan,
  type StoredHashKind,
  storedHashKind,
} from './passwords';

/** The parameters each step of a plan verifies at, for a login whose hash is of `kind`. */
const paramsOf = (kind: StoredHashKind, olderStored: boolean) =>
  passwordCheckPlan(kind, olderStored)
    .map((step) => (step === 'own' ? kind : step))
    .sort();

describe('passwordCheckPlan', () => {
  it('while older hashes are stored, a refusal verifies once at each kind of parameters, whatever the login', () => {
    expect(paramsOf('none', true)).toEqual(['current', 'older']);
    expect(paramsOf('current', true)).toEqual(['current', 'older']);
    expect(paramsOf('older', true)).toEqual(['current', 'older']);
  });

  it('with only current hashes stored, a refusal verifies once at the current parameters', () => {
    expect(paramsOf('none', false)).toEqual(['current']);
    expect(paramsOf('current', false)).toEqual(['current']);
  });

  it("checks the login's own hash first, a dummy only when it has none", () => {
    expect(passwordCheckPlan('current', true)[0]).toBe('own');
    expect(passwordCheckPlan('older', true)[0]).toBe('own');
    expect(passwordCheckPlan('none', true)[0]).toBe('current');
  });
});

describe('storedHashKind', () => {
  it('tells current, older and no hash apart', async () => {
    const current = await hashPassword('Su-arnasy-2026');
    expect(current.startsWith(CURRENT_PASSWORD_HASH_PREFIX)).toBe(true);
    expect(storedHashKind(current)).toBe('current');
    expect(storedHashKind('$argon2id$v=19$m=65536,p=4,t=3$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA')).toBe('older');
    // A registration's placeholder and no login at all: nothing of their own to verify against.
    expect(storedHashKind('!expired')).toBe('none');
    expect(storedHashKind(undefined)).toBe('none');
  });
});
