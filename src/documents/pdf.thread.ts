/**
 * A PDF thread's task (pdf-threads.ts): draws the document and answers its bytes, which the
 * calling thread receives as a copy.
 */
import { type PdfJob, renderPdfHere } from './pdf-threads';

export default async function draw(job: PdfJob): Promise<Uint8Array> {
  return new Uint8Array(await renderPdfHere(job));
}
