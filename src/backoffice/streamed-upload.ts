import multipart, { type Multipart } from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest, RouteShorthandOptions } from 'fastify';
import { type ReceivedUpload, receiveUpload } from './upload';

/**
 * Uploads read as a stream, after the checks: the back-office guard sees the session at the
 * request's headers, then the form's first field (the CSRF token) is read and checked, and only
 * then is the file streamed to a temporary file under `root`, at most `maxBytes`.
 *
 * Registers multipart parsing on `app` (the routes' own scope) and gives the hooks for the upload
 * route (`routeOptions`) and `receive`, which its handler calls to take the file.
 */
export async function streamedUploads(app: FastifyInstance, options: { maxBytes: number; root: string }) {
  await app.register(multipart, {
    limits: { fileSize: options.maxBytes, files: 1, fields: 4, parts: 5, fieldSize: 1024, headerPairs: 50 },
    throwFileSizeLimit: false,
    // The name as sent, so a name with a path is refused with a message rather than renamed.
    preservePath: true,
  });
  const pendingParts = new WeakMap<
    FastifyRequest,
    { parts: AsyncIterator<Multipart>; first: Multipart | null }
  >();

  const routeOptions: RouteShorthandOptions = {
    // The app's CSRF check runs before the route's own hooks: this route checks the token itself.
    config: { csrf: 'in-route' },
    // The CSRF token is the form's first field: read it (and nothing more) and check it before
    // the handler reads the file. A token in a header works too.
    preValidation: async (req, reply) => {
      if (!req.isMultipart()) return;
      const parts = req.parts()[Symbol.asyncIterator]();
      // A malformed body reads as "no token" (the CSRF check refuses it), never as a 500.
      const next = await parts.next().catch(() => ({ done: true as const, value: undefined }));
      const first = next.done ? null : next.value;
      if (first?.type === 'field' && first.fieldname === '_csrf') {
        req.body = { _csrf: String(first.value ?? '') };
        pendingParts.set(req, { parts, first: null });
      } else {
        req.body = {};
        pendingParts.set(req, { parts, first });
      }
      await new Promise<void>((resolve, reject) =>
        app.csrfProtection(req, reply, (error?: Error) => (error ? reject(error) : resolve())),
      );
    },
    // A refused request leaves the rest of its body unread: the connection is closed after the answer.
    onSend: async (req, reply) => {
      if (reply.statusCode >= 400 && pendingParts.has(req)) reply.header('connection', 'close');
    },
  };

  /** The request's file in a temporary file, or why there is none (an unreadable body reads as none). */
  const receive = async (req: FastifyRequest): Promise<ReceivedUpload> => {
    const pending = pendingParts.get(req);
    if (!pending) return { kind: 'none' };
    pendingParts.delete(req);
    return receiveUpload(pending.parts, pending.first, {
      maxBytes: options.maxBytes,
      root: options.root,
      request: req.raw,
    }).catch((error: Error) => {
      req.log.info({ err: error }, 'unreadable upload');
      return { kind: 'none' as const };
    });
  };

  return { routeOptions, receive };
}
