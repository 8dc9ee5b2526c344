/** Errors of a socket to the database server that is refused, reset, cut or never answers. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
]);
/** What pg and pg-pool say, without a code, when a connection ends or cannot be had in time. */
const CONNECTION_MESSAGES =
  /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed|PGlite is closed|driver has already been destroyed/i;

/**
 * The database cannot be reached (server down, restarting, failing over, out of connections):
 * PostgreSQL's class 08 (connection exception), 57P01-57P03 (shut down / starting up), 53300 (too
 * many connections), 25006 (a standby not promoted yet refuses a write), a socket error, or pg's and PGlite's words for a lost or closed connection.
 * The request did nothing wrong and can be repeated in a moment: 503, not 500. A transaction the
 * request had opened was not committed, so nothing of it is stored.
 */
export function isDatabaseUnavailable(error: { code?: unknown; message?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (/^08[0-9A-Z]{3}$/.test(code) || ['57P01', '57P02', '57P03', '53300', '25006'].includes(code))
    return true;
  if (CONNECTION_CODES.has(code)) return true;
  // Any other SQLSTATE is the server's answer about the statement, whatever its text quotes.
  if (/^[0-9A-Z]{5}$/.test(code)) return false;
  return typeof error.message === 'string' && CONNECTION_MESSAGES.test(error.message);
}
