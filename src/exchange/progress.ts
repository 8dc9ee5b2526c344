/**
 * A one-line progress bar on a terminal (nothing when the output is not a terminal, so logs and
 * pipes stay clean).
 */
export function progressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  if (!stream.isTTY) return { update: (_done: number, _total: number) => {}, done: () => {} };
  let last = 0;
  const draw = (done: number, total: number) => {
    const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - label.length - 20));
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const filled = Math.round(share * width);
    stream.write(
      `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(share * 100).toFixed(0).padStart(3)}%`,
    );
  };
  return {
    update(done: number, total: number) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, total);
    },
    done() {
      stream.write('\r\x1b[2K');
    },
  };
}
