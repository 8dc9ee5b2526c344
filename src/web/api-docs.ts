import swagger from '@fastify/swagger';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * The OpenAPI description of the JSON API (/api/v1), generated from the routes' own zod schemas
 * (the ones Fastify validates requests with),
 * served at /api/docs/openapi.json. Only routes with tags are listed, so pages stay out.
 * Call before registering routes: the plugin collects routes as they are added.
 */
export async function registerApiDocs(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Water utility cabinet API',
        description: [
          "The cabinet's use cases for mobile apps, smart-meter gateways and home automation. Accounts that are not the customer's answer 404.",
          '',
          '**With an API token** (for devices and scripts): create a personal access token in the cabinet under Personal data → API tokens, choose its scopes, and send it in the `Authorization: Bearer` header. No cookie and no CSRF token are needed; a request that carries a token is authenticated by the token alone (a session cookie sent with it is ignored). A token in the URL query string is refused (400), because URLs are kept in logs. An unknown, revoked or expired token answers 401, a token without the scope an operation needs 403 (`x-token-scope` of each operation). Requests are limited per customer, all of their tokens and their session together (429 with Retry-After). After 60 failed token authentications (unknown, revoked, expired or malformed) in 10 minutes from one client address, every request with a token from that address answers 429 with Retry-After until the window ends. A request body is at most 512 KB (the largest valid one, 1,000 readings with their confirmations, is about 160 KB); a larger one answers 413.',
          '',
          'Submitting a reading with a token:',
          '',
          '```',
          'curl -X POST https://cabinet.example.kz/api/v1/accounts/02015213/readings \\',
          '  -H "Authorization: Bearer $VDK_TOKEN" \\',
          "  -H 'Content-Type: application/json' \\",
          `  -d '{"readings":[{"meterId":101,"value":"117.5"}],"idempotencyKey":"gw-2026-11-cold","confirmPartial":true}'`,
          '```',
          '',
          'The meter ids come from `GET /api/v1/accounts/{account}/meters` with the same token.',
          '',
          '**With a session** (the mobile app): sign in through POST /login (form fields login, password and _csrf: GET / answers the sign-in form with its _csrf token and sets the cookie it belongs to); the session is a cookie. Every POST also needs the CSRF token in the x-csrf-token header: GET requests under /api/v1 return a fresh one in their x-csrf-token response header.',
        ].join('\n'),
        version: '1.0.0',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'sid' },
          csrf: { type: 'apiKey', in: 'header', name: 'x-csrf-token' },
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'vdk_pat_ followed by 43 characters',
            description:
              'A personal access token from the cabinet (Personal data → API tokens), shown once when created. Scopes: `readings:write`: read the meters and the history, submit readings; `documents:read`: list and download invoices and statements (PDF). Each operation names the scope it needs in `x-token-scope`.',
          },
        },
      },
    },
    hideUntagged: true,
    transform: jsonSchemaTransform,
  });
  app.get('/api/docs/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
