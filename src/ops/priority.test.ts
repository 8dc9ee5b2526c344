import { execFileSync } from 'node:child_process';
import { getPriority } from 'node:os';
import { describe, expect, it } from 'vitest';

/**
 * Runs lowerCpuPriority(nice) in a process of its own (a priority, once lowered, stays lowered);
 * `seen`: the lowest nice value among its threads, V8's own included.
 */
function inChild(nice: number, prefix: string[] = []): { answered: number; seen: number } {
  const script = `import { getPriority } from 'node:os';
import { lowerCpuPriority } from './src/ops/priority.ts';
import { readdirSync, readFileSync } from 'node:fs';
const answered = lowerCpuPriority(${nice});
// The lowest nice value among the process's threads (field 19 of /proc/self/task/N/stat).
let lowest = getPriority();
try {
  for (const t of readdirSync('/proc/self/task')) {
    const stat = readFileSync('/proc/self/task/' + t + '/stat', 'utf8');
    lowest = Math.min(lowest, Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]));
  }
} catch {}
console.log(JSON.stringify({ answered, seen: lowest }));`;
  const args = [...prefix, process.execPath, '--import', 'tsx', '--input-type=module', '-e', script];
  const out = execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { answered: number; seen: number };
}

// Children start at this process's priority (0 unless the tests themselves run niced).
const base = getPriority();

describe.skipIf(process.platform === 'win32' || base > 5)('lowerCpuPriority', () => {
  it('lowers a process at the normal priority to the nice value asked for', () => {
    expect(inChild(10)).toEqual({ answered: 10, seen: 10 });
  });

  it('leaves a process started lower where it is, and 0 changes nothing', () => {
    expect(inChild(10, ['nice', '-n', String(15 - base)])).toEqual({ answered: 15, seen: 15 });
    expect(inChild(0)).toEqual({ answered: base, seen: base });
  });
});
