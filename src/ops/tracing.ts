import { register } from 'node:module';

/**
 * Optional OpenTelemetry tracing (docs/decisions/150-opentelemetry-tracing.md).
 *
 * Loaded before the portal's own modules (`node --import`, see the start and worker scripts),
 * because the instrumentations patch `http`, `pg` and Fastify as they are loaded. Does nothing
 * unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set; then every
 * request is a server span (HTTP), with Fastify's route, hooks and handler as child spans and
 * every PostgreSQL query as a span below them, exported over OTLP/HTTP. The exporter reads the
 * standard OTEL_* settings itself (headers, timeout, service name, sampler).
 */
export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
}

/** Paths that are polled by machines and would only drown the traces. */
const UNTRACED = /^\/(health|metrics)(\/|$|\?)/;

/** Starts the SDK when an endpoint is set; the SDK's packages are not even loaded otherwise. */
export async function startTracing(env: NodeJS.ProcessEnv) {
  if (!tracingWanted(env)) return undefined;
  // Modules imported as ES modules are patched through import-in-the-middle's loader hook.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [
    { FastifyOtelInstrumentation },
    { OTLPTraceExporter },
    { HttpInstrumentation },
    { PgInstrumentation },
    { NodeSDK },
  ] = await Promise.all([
    import('@fastify/otel'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/sdk-node'),
  ]);
  const sdk = new NodeSDK({
    serviceName: env.OTEL_SERVICE_NAME || 'vodokanal-cabinet',
    traceExporter: new OTLPTraceExporter(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (req) => UNTRACED.test(req.url ?? ''),
      }),
      new FastifyOtelInstrumentation({
        registerOnInitialization: true,
        ignorePaths: (route) => UNTRACED.test(route.url),
      }),
      // Query text without its parameters: values (names, readings, emails) stay out of traces.
      new PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  // Flush what is buffered when the process is asked to stop; the portal's own shutdown runs too.
  const flush = () => void sdk.shutdown().catch(() => {});
  process.once('SIGTERM', flush);
  process.once('SIGINT', flush);
  return sdk;
}

await startTracing(process.env);
