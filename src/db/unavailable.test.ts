import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable } from './unavailable';

describe('a database that cannot serve just now (503, not 500)', () => {
  it('knows the errors of a server that is down, restarting, unreachable or not yet promoted', () => {
    for (const error of [
      { code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:5432' },
      { code: '08P01', message: 'query_wait_timeout' },
      { code: '08P01', message: 'server login has been failing, try again later (server_login_retry)' },
      { code: '08006', message: 'connection failure' },
      { code: '57P01', message: 'terminating connection due to administrator command' },
      { code: '57P03', message: 'the database system is starting up' },
      { code: '53300', message: 'sorry, too many clients already' },
      { code: '25006', message: 'cannot execute INSERT in a read-only transaction' },
      { message: 'Connection terminated unexpectedly' },
      { message: 'timeout exceeded when trying to connect' },
    ])
      expect(isDatabaseUnavailable(error), error.message).toBe(true);
  });

  it('leaves every other error alone: bad values, constraint violations, bugs', () => {
    for (const error of [
      { code: '22P02', message: 'invalid input syntax for type integer' },
      { code: '22007', message: 'invalid input syntax for type date: "Connection terminated"' },
      { code: '23505', message: 'duplicate key value violates unique constraint' },
      { code: '42P01', message: 'relation "x" does not exist' },
      { message: "Cannot read properties of undefined (reading 'id')" },
      {},
    ])
      expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
