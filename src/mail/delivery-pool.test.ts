import { describe, expect, it } from 'vitest';
import { pooled, SEND_LANES } from './delivery';

describe('the mail server connection', () => {
  it('turns on a connection pool as wide as the send lanes, unless the address says otherwise', () => {
    const url = new URL(pooled('smtp://user:secret@mail.example.kz:587'));
    expect(url.searchParams.get('pool')).toBe('true');
    expect(url.searchParams.get('maxConnections')).toBe(String(SEND_LANES));
    expect(url.username).toBe('user');
    expect(pooled('smtps://mail.example.kz/?pool=false')).toBe('smtps://mail.example.kz/?pool=false');
  });
});
