import { Piscina } from 'piscina';
import { defaultPdfThreads } from '../config';
import type { InvoiceDocument, StatementDocument } from './document-model';
import { type PdfOptions, preparePdfFonts, renderInvoicePdf, renderStatementPdf } from './pdf';

/** What a PDF is drawn from: plain data, so it can be handed to another thread. */
export type PdfJob =
  | { kind: 'invoice'; document: InvoiceDocument; options: PdfOptions }
  | { kind: 'statement'; document: StatementDocument; options: PdfOptions };

/** Draws a PDF on the calling thread. */
export function renderPdfHere(job: PdfJob): Promise<Buffer> {
  return job.kind === 'invoice'
    ? renderInvoicePdf(job.document, job.options)
    : renderStatementPdf(job.document, job.options);
}

/** Threads that draw PDFs (decision 194); 0: the calling thread draws them. */
let threadCount = defaultPdfThreads();
let pool: Piscina | undefined;

/**
 * How many threads of this process draw PDFs (PDF_THREADS). Called at start; a pool already
 * started with another count is closed and the next PDF starts the new one.
 */
export function configurePdfThreads(count: number): void {
  if (count === threadCount) return;
  threadCount = count;
  closePdfThreads().catch(() => {});
}

/**
 * Draws a PDF off the event loop: a document takes 10–25 ms of CPU in one piece, and every other
 * request of the process would wait for it (decision 194). A server starts its threads at start
 * (startPdfThreads); elsewhere they start with the first PDF and stop after a minute without one.
 * Each loads pdf.ts and its fonts once.
 */
export async function renderPdf(job: PdfJob): Promise<Buffer> {
  if (threadCount === 0) return renderPdfHere(job);
  pool ??= startPdfPool(threadCount);
  const bytes = (await pool.run(job)) as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const THREAD_MODULE = new URL('./pdf.thread.ts', import.meta.url).href;

/**
 * Starts this process's PDF threads now and keeps them (a server at start, before it takes
 * requests): each thread loads its modules (about 1 s of CPU with the TypeScript loader) and
 * parses the fonts. Started by the first PDF instead, as tests and one-off commands do, the
 * threads of every process started their loading together with the month-end's first requests
 * and the mailing's first batch, on the same cores. With no threads the fonts are parsed here.
 */
export async function startPdfThreads(module = THREAD_MODULE): Promise<void> {
  if (threadCount === 0) {
    preparePdfFonts();
    return;
  }
  await closePdfThreads();
  const started = startPdfPool(threadCount, module, { keep: true });
  pool = started;
  try {
    await Promise.all(Array.from({ length: threadCount }, () => started.run(null, { name: 'warm' })));
  } catch (error) {
    // The server starts all the same: a PDF refused is better than no pages at all, and the next
    // PDF tries to start the threads again (the pool's error listener has let this one go).
    console.error('The PDF threads could not start; the next PDF will try again:', error);
    if (pool === started) await closePdfThreads();
  }
}

/**
 * A pool of `count` PDF threads running `module` (tests give another). `keep`: all of them
 * started at once and kept; otherwise they start with the PDFs that need them and stop after a
 * minute without one.
 */
export function startPdfPool(count: number, module = THREAD_MODULE, { keep = false } = {}): Piscina {
  const created = new Piscina({
    filename: module,
    minThreads: keep ? count : 0,
    maxThreads: count,
    idleTimeout: keep ? Number.POSITIVE_INFINITY : 60_000,
    // The module is TypeScript: the thread loads it as the process does (tsx), whatever the
    // process was started with (npm start, node --import tsx, the test runner).
    execArgv: ['--import', 'tsx'],
  });
  // A thread that cannot start (its module failing to load, no memory for a thread): the PDFs
  // waiting for the pool are refused (their requests get the error page) and the next PDF starts
  // a new pool. Without a listener the error would end the process.
  created.on('error', (error: unknown) => {
    if (pool === created) pool = undefined;
    console.error('A PDF thread could not start:', error);
    created.destroy().catch(() => {});
  });
  return created;
}

/** The PDF threads running now (0 when none are). */
export function pdfThreadsRunning(): number {
  return pool?.threads.length ?? 0;
}

/** PDFs the threads have drawn since they started (0 when none are running). */
export function pdfThreadsCompleted(): number {
  return pool?.completed ?? 0;
}

/** Stops the threads (at shutdown); a later PDF starts them again. */
export async function closePdfThreads(): Promise<void> {
  const closing = pool;
  pool = undefined;
  await closing?.close();
}
