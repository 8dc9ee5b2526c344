import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { invoiceA } from '../../test/fixtures/seed-vectors';
import { assembleInvoice } from '../billing/invoice';
import { paymentSettings } from '../config';
import { type DocumentAccount, invoiceDocument } from './document-model';
import {
  closePdfThreads,
  configurePdfThreads,
  type PdfJob,
  pdfThreadsCompleted,
  pdfThreadsRunning,
  renderPdf,
  renderPdfHere,
  startPdfPool,
  startPdfThreads,
} from './pdf-threads';

const account: DocumentAccount = {
  number: '01003317',
  kind: 'individual',
  ownerName: 'Әбенова Қ.',
  residents: 2,
  irrigationAreaM2: '0.00',
  contractNumber: null,
  street: 'Абая',
  house: '12',
  prefix: '',
  apartment: '7',
};
const job: PdfJob = {
  kind: 'invoice',
  document: invoiceDocument('kk', account, assembleInvoice(invoiceA), { payee: paymentSettings({}) }),
  options: { locale: 'kk', now: new Date('2026-11-25T06:00:00Z') },
};

const dir = mkdtempSync(join(tmpdir(), 'pdf-threads-'));
function pdfText(bytes: Buffer, name: string): string {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, bytes);
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).replace(/\s+/g, ' ');
}

afterAll(async () => {
  configurePdfThreads(1);
  await closePdfThreads();
});

describe('PDFs drawn on a thread of their own', () => {
  it('the invoice drawn on a PDF thread reads as the one drawn on the calling thread', async () => {
    configurePdfThreads(1);
    const before = pdfThreadsCompleted();
    const threaded = await renderPdf(job);
    expect(pdfThreadsCompleted()).toBe(before + 1);
    expect(threaded.subarray(0, 5).toString()).toBe('%PDF-');
    const here = await renderPdfHere(job);
    const text = pdfText(threaded, 'threaded');
    expect(text).toBe(pdfText(here, 'here'));
    // Invoice A's figures and the Kazakh letters of the address, from the thread's bytes.
    for (const figure of ['66.46', '65.91', '214.14', '516.67', 'Әбенова', 'Абая'])
      expect(text).toContain(figure);
  });

  it('several at once are all drawn, each its own; with PDF_THREADS=0 on the calling thread', async () => {
    configurePdfThreads(2);
    const before = pdfThreadsCompleted();
    const jobs = (['kk', 'ru', 'en'] as const).map(
      (locale, i): PdfJob => ({
        kind: 'invoice',
        document: invoiceDocument(locale, { ...account, number: `0100331${i}` }, assembleInvoice(invoiceA), {
          payee: paymentSettings({}),
        }),
        options: { locale },
      }),
    );
    const pdfs = await Promise.all(jobs.map(renderPdf));
    expect(pdfThreadsCompleted()).toBe(before + 3);
    const texts = pdfs.map((pdf, i) => pdfText(pdf, `many-${i}`));
    for (const [i, text] of texts.entries()) {
      expect(text).toContain(`0100331${i}`);
      expect(text).not.toContain(`0100331${(i + 1) % 3}`);
    }
    expect(texts[1]).toContain('Счёт-извещение за май 2020 г.');
    expect(texts[2]).toContain('Payment invoice for May 2020');
    for (const text of texts) expect(text).toContain('516.67');

    configurePdfThreads(0);
    const here = await renderPdf(job);
    expect(pdfThreadsCompleted()).toBe(0);
    expect(pdfText(here, 'zero')).toContain('516.67');
  });

  it('a server starts every thread before its first PDF and keeps them', async () => {
    configurePdfThreads(2);
    expect(pdfThreadsRunning()).toBe(0);
    await startPdfThreads();
    // Both threads are up and have each read the fonts (two tasks done) before any PDF.
    expect(pdfThreadsRunning()).toBe(2);
    expect(pdfThreadsCompleted()).toBe(2);
    const text = pdfText(await renderPdf(job), 'started');
    expect(text).toContain('516.67');
    expect(pdfThreadsCompleted()).toBe(3);
    expect(pdfThreadsRunning()).toBe(2);

    // With no threads nothing starts, and the PDF is drawn here.
    configurePdfThreads(0);
    await startPdfThreads();
    expect(pdfThreadsRunning()).toBe(0);
    expect(pdfText(await renderPdf(job), 'started-zero')).toContain('516.67');
  });

  it('a server whose PDF threads cannot start starts all the same; the next PDF starts them', async () => {
    configurePdfThreads(1);
    await startPdfThreads(new URL('./no-such-thread-module.ts', import.meta.url).href);
    expect(pdfThreadsRunning()).toBe(0);
    expect(pdfText(await renderPdf(job), 'after-failed-start')).toContain('516.67');
    expect(pdfThreadsRunning()).toBe(1);
  });

  it('a thread that cannot start refuses the PDF waiting for it, and the process goes on', async () => {
    const broken = startPdfPool(1, new URL('./no-such-thread-module.ts', import.meta.url).href);
    await expect(broken.run(job)).rejects.toThrow();
    // The process is still here and draws the next PDF.
    configurePdfThreads(1);
    expect(pdfText(await renderPdf(job), 'after')).toContain('516.67');
  });
});
