import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Multipart } from '@fastify/multipart';

/** Where uploads are written while they are imported: DATA_DIR/uploads/upload-XXXXXX/<name>. */
export const uploadRoot = (dataDir: string) => join(dataDir, 'uploads');

/** A file name as the user's computer gave it: no path, no NUL or control characters, no "..". */
export function safeUploadName(name: string): boolean {
  return (
    name.length > 0 &&
    name.length <= 120 &&
    ![...name].some((c) => c.charCodeAt(0) < 0x20 || c === '\u007f' || c === '/' || c === '\\') &&
    !name.includes('..') &&
    name.trim() === name
  );
}

export type ReceivedUpload =
  | { kind: 'none' }
  | { kind: 'bad-name' }
  | { kind: 'too-large' }
  | { kind: 'file'; name: string; path: string; dispose: () => Promise<void> };

/**
 * Takes the first file of a multipart stream to a new temporary directory, at most `maxBytes`
 * in a new directory under `root` (the bytes after that
 * are read and dropped, never kept). Fields after the CSRF token are ignored.
 */
export async function receiveUpload(
  parts: AsyncIterator<Multipart>,
  first: Multipart | null,
  options: { maxBytes: number; root: string; request: IncomingMessage },
): Promise<ReceivedUpload> {
  let part: Multipart | null = first;
  for (;;) {
    if (!part) {
      const next = await parts.next();
      if (next.done) return { kind: 'none' };
      part = next.value;
    }
    if (part.type === 'file') break;
    part = null;
  }
  const name = part.filename ?? '';
  if (!name) {
    await drain(part);
    return { kind: 'none' };
  }
  if (!safeUploadName(name)) {
    await drain(part);
    return { kind: 'bad-name' };
  }
  await mkdir(options.root, { recursive: true });
  const dir = await mkdtemp(join(options.root, 'upload-'));
  const dispose = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, name);
  try {
    await Promise.race([
      pipeline(part.file, createWriteStream(path, { flags: 'wx' })),
      cutShort(part, options.request),
    ]);
  } catch (error) {
    await dispose();
    throw error;
  }
  if (part.file.truncated || part.file.bytesRead > options.maxBytes) {
    await dispose();
    return { kind: 'too-large' };
  }
  return { kind: 'file', name, path, dispose };
}

async function drain(part: Multipart & { type: 'file' }) {
  await pipeline(part.file, new Writable({ write: (_chunk, _enc, done) => done() }));
}

/**
 * Rejects when the file can never end: busboy destroys the file stream of a malformed body or an
 * aborted request without an 'error' or 'close' event, which would leave the copy waiting.
 */
function cutShort(part: Multipart & { type: 'file' }, request: IncomingMessage): Promise<never> {
  return new Promise((_resolve, reject) => {
    const check = () => {
      if (part.file.destroyed && !part.file.readableEnded) reject(new Error('upload cut short'));
      else if (request.destroyed && !request.complete) reject(new Error('upload aborted'));
    };
    check();
    // Once the request is over, the file has either ended or been cut short.
    request.once('close', () => setImmediate(check));
  });
}
