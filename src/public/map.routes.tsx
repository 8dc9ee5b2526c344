import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../app-deps';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { MapPage } from './map.views';

/** The only place images may come from besides our own origin, and only on the map page. */
export const TILE_ORIGIN = 'https://tile.openstreetmap.org';

/**
 * This page's Content-Security-Policy: the site's, with OpenStreetMap's tile server added to
 * img-src. Every other page keeps the site's policy, so no other page can load a third-party image.
 */
function allowTiles(reply: FastifyReply) {
  const policy = reply.getHeader('content-security-policy') ?? reply.raw.getHeader('content-security-policy');
  if (typeof policy !== 'string') return;
  reply.header(
    'content-security-policy',
    policy.replace(
      /(^|;)img-src ([^;]*)/,
      (_, start: string, sources: string) => `${start}img-src ${sources} ${TILE_ORIGIN}`,
    ),
  );
}

export async function mapRoutes(app: FastifyInstance, _deps: AppDeps) {
  app.get('/map', async (req, reply) => {
    const ctx = pageContext(req, reply);
    allowTiles(reply);
    return sendPage(reply, <MapPage ctx={ctx} tileOrigin={TILE_ORIGIN} />);
  });
}
