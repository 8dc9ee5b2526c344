/**
 * A PDF thread's task (pdf-threads.ts): draws the document and answers its bytes, which the
 * calling thread receives as a copy.
 */
import { preparePdfFonts } from './pdf';
import { type PdfJob, renderPdfHere } from './pdf-threads';

export default async function draw(job: PdfJob): Promise<Uint8Array> {
  return new Uint8Array(await renderPdfHere(job));
}

/** Run by name at start (startPdfThreads): the fonts read and parsed before the first document. */
export function warm(): boolean {
  preparePdfFonts();
  return true;
}
