import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';

/**
 * The OpenAPI description of the JSON API (/api/v1), generated from the routes' own schemas,
 * served at /api/docs/openapi.json. Only routes with tags are listed, so pages stay out.
 * Call before registering routes: the plugin collects routes as they are added.
 */
export async function registerApiDocs(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Water utility cabinet API',
        description:
          "The cabinet's use cases for mobile apps and integrations. Sign in through POST /login (form fields login, password and _csrf: GET / answers the sign-in form with its _csrf token and sets the cookie it belongs to); the session is a cookie. Every POST also needs the CSRF token in the x-csrf-token header: GET requests under /api/v1 return a fresh one in their x-csrf-token response header. Accounts that are not the signed-in customer's answer 404.",
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sid' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
        },
      },
    },
    hideUntagged: true,
  });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
