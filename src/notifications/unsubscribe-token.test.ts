import { describe, expect, it } from 'vitest';
import { readUnsubscribeToken, unsubscribeToken } from './unsubscribe-token';

const secret = 's'.repeat(32);

describe('unsubscribe links', () => {
  it('reads back the customer and the kind it was made for', () => {
    const token = unsubscribeToken(secret, 42, 'readings_reminder');
    expect(readUnsubscribeToken(secret, token)).toEqual({ userId: 42, kind: 'readings_reminder' });
  });

  it('refuses a link for another customer or kind, another secret, or anything malformed', () => {
    const token = unsubscribeToken(secret, 42, 'readings_reminder');
    const [, , sig] = token.split('.');
    expect(readUnsubscribeToken(secret, `43.readings_reminder.${sig}`)).toBeNull();
    expect(readUnsubscribeToken(secret, `42.payment_due.${sig}`)).toBeNull();
    expect(readUnsubscribeToken('t'.repeat(32), token)).toBeNull();
    expect(readUnsubscribeToken(secret, `42.unknown_kind.${sig}`)).toBeNull();
    expect(readUnsubscribeToken(secret, `${token}x`)).toBeNull();
    expect(readUnsubscribeToken(secret, '')).toBeNull();
  });
});
