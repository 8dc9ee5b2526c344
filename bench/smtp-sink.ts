/**
 * A real SMTP server in a process of its own that counts the messages it accepts and keeps none of
 * them, so that what it spends is not counted as the sender's CPU. Started by startSmtpSink().
 */
import { type ChildProcess, fork } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpSink {
  url: string;
  /** Messages accepted so far. */
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Forks this file as the sink process and waits for its address. */
export function startSmtpSink(): Promise<SmtpSink> {
  const child: ChildProcess = fork(import.meta.filename, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(question: string, key: string) =>
    new Promise<T>((resolve) => {
      const answer = (m: Record<string, unknown>) => {
        if (!(key in m)) return;
        child.off('message', answer);
        resolve(m[key] as T);
      };
      child.on('message', answer);
      child.send(question);
    });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('message', (m: { url?: string }) => {
      if (!m.url) return reject(new Error('the SMTP sink did not start'));
      resolve({
        url: m.url,
        count: () => ask<number>('count', 'count'),
        close: async () => {
          child.kill('SIGTERM');
          if (child.exitCode === null) await new Promise((r) => child.once('exit', r));
        },
      });
    });
  });
}

if (process.send && import.meta.filename === process.argv[1]) {
  let received = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      stream.resume();
      stream.on('end', () => {
        received += 1;
        callback();
      });
    },
  });
  server.on('error', () => {});
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ url: `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}` });
  });
  process.on('message', (m) => {
    if (m === 'count') process.send?.({ count: received });
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
