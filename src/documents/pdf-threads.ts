import { Piscina } from 'piscina';
import { defaultPdfThreads } from '../config';
import type { InvoiceDocument, StatementDocument } from './document-model';
import { type PdfOptions, renderInvoicePdf, renderStatementPdf } from './pdf';

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
 * request of the process would wait for it (decision 194). The threads start with the first PDF
 * and stop after a minute without one; each loads pdf.ts and its fonts once.
 */
export async function renderPdf(job: PdfJob): Promise<Buffer> {
  if (threadCount === 0) return renderPdfHere(job);
  pool ??= startPdfPool(threadCount);
  const bytes = (await pool.run(job)) as Uint8Array;
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const THREAD_MODULE = new URL('./pdf.thread.ts', import.meta.url).href;

/** A pool of `count` PDF threads running `module` (tests give another). */
export function startPdfPool(count: number, module = THREAD_MODULE): Piscina {
  const created = new Piscina({
    filename: module,
    minThreads: 0,
    maxThreads: count,
    idleTimeout: 60_000,
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
