import { getPriority, setPriority } from 'node:os';

/**
 * Lowers this process's CPU priority to `nice` (0 = as everything else, 19 = the lowest), so that
 * on a host it shares with app instances the worker's batch work (the monthly mailing's PDFs, the
 * exchange's imports) takes the CPU the customers' pages leave (decision 193). Never raises it: a
 * process started lower (systemd's Nice=, `nice -n`) stays there, and raising needs privileges.
 * Answers the nice value the process runs at.
 */
export function lowerCpuPriority(nice: number): number {
  const current = getPriority();
  if (nice <= current) return current;
  try {
    setPriority(nice);
  } catch {
    // A platform that refuses: the worker runs at its current priority, as before.
  }
  return getPriority();
}
