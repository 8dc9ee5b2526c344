import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AppDeps } from '../app-deps';
import { formatDateTime } from '../i18n/locales';
import { actionLimit, waitMessage } from '../web/action-limit';
import { sendPage } from '../web/html';
import { pageContext } from '../web/request-context';
import { staffActor } from './actor';
import { exchangePageText } from './exchange.messages';
import { latestExchangeRuns, mailReportByMonth } from './exchange.queries';
import { importUploadedFile, runExchangeNow } from './exchange.service';
import { type ExchangeOutcome, ExchangePage } from './exchange.views';
import { streamedUploads } from './streamed-upload';
import { uploadRoot } from './upload';

export async function backofficeExchangeRoutes(app: FastifyInstance, { db, config }: AppDeps) {
  const uploads = await streamedUploads(app, {
    maxBytes: config.EXCHANGE_UPLOAD_MAX_MB * 1024 * 1024,
    root: uploadRoot(config.DATA_DIR),
  });

  const page = async (req: FastifyRequest, reply: FastifyReply, result?: ExchangeOutcome, status = 200) => {
    const ctx = pageContext(req, reply);
    const runs = await latestExchangeRuns(db, 20);
    const mail = await mailReportByMonth(db);
    return sendPage(reply, <ExchangePage ctx={ctx} runs={runs} mail={mail} result={result} />, status);
  };

  app.get('/backoffice/exchange', (req, reply) => page(req, reply));
  // The addresses the upload and run forms answer at show the exchange page again on reload.
  for (const action of ['upload', 'run'])
    app.get(`/backoffice/exchange/${action}`, (req, reply) => page(req, reply));

  app.post('/backoffice/exchange/upload', uploads.routeOptions, async (req, reply) => {
    const t = exchangePageText[req.locale];
    const upload = await uploads.receive(req);
    const outcome = await importUploadedFile(db, staffActor(req), upload, { locale: req.locale });
    if (outcome.kind === 'refused') {
      const error =
        outcome.reason === 'bad-name'
          ? t.badName
          : outcome.reason === 'too-large'
            ? t.tooLarge(config.EXCHANGE_UPLOAD_MAX_MB)
            : t.noFile;
      return page(req, reply, { reports: [], error }, outcome.reason === 'too-large' ? 413 : 400);
    }
    const { report } = outcome;
    return page(req, reply, { reports: [report] }, report.status === 'succeeded' ? 200 : 422);
  });

  // A run imports every waiting file and writes the readings out: a few an hour per user and address.
  const runLimit = actionLimit(db, 'exchange.run', { perUser: 6, perClient: 20, timeWindowMs: 3600_000 });

  app.post('/backoffice/exchange/run', async (req, reply) => {
    const t = exchangePageText[req.locale];
    const run = await runExchangeNow(db, staffActor(req), {
      dir: config.EXCHANGE_DIR,
      limit: () => runLimit(req),
    });
    switch (run.kind) {
      case 'limited':
        reply.header('retry-after', run.wait);
        return page(req, reply, { reports: [], error: waitMessage(req.locale, run.wait) }, 429);
      case 'busy': {
        const busy = run.since ? t.alreadyRunning(formatDateTime(run.since)) : t.alreadyRunningNow;
        return page(req, reply, { reports: [], error: busy }, 409);
      }
      case 'done':
        return page(req, reply, { reports: run.result.imports, exported: run.result.export.rows });
    }
  });
}
