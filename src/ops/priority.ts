import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (0 = as everything else, 19 = the lowest), so that
 * on a host it shares with app instances the worker's batch work (the monthly mailing's PDFs, the
 * exchange's imports) takes the CPU the customers' pages leave (decision 193). Never raises it: a
 * process started lower (systemd's Nice=, `nice -n`) stays there, and raising needs privileges.
 * On Linux a nice value belongs to a thread: every thread the process has is lowered (V8's own
 * start before any code runs), and threads started later take it from the thread starting them.
 * Answers the nice value the process runs at.
 */
export function lowerCpuPriority(nice: number): number {
  const current = getPriority();
  if (nice <= current) return current;
  for (const thread of threadIds()) {
    try {
      setPriority(thread, nice);
    } catch {
      // A thread that ended meanwhile, or a platform that refuses: it runs as before.
    }
  }
  return getPriority();
}

/** This process's threads (Linux), or the process itself elsewhere (0: the calling thread). */
function threadIds(): number[] {
  try {
    return readdirSync('/proc/self/task').map(Number);
  } catch {
    return [0];
  }
}
