/**
 * Something the request asks for that does not exist, or not for this user: the error pages
 * answer it with 404 and the "not found" page (or JSON under /api). A capability extends it
 * (accounts' AccountAccessError) so that web, which every capability imports, imports none.
 */
export class NotFoundError extends Error {}
