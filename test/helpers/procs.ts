// Counting real processes through /proc (Linux): how many `go` and `compile`
// processes work on a directory right now, and zombies left under a parent.
import * as fs from 'node:fs';
import * as path from 'node:path';

interface Proc { pid: number; ppid: number; state: string; argv: string[]; cwd?: string }

function readProc(pid: number): Proc | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
    let cwd: string | undefined;
    try { cwd = fs.readlinkSync(`/proc/${pid}/cwd`); } catch { cwd = undefined; }
    return { pid, ppid: +rest[1], state: rest[0], argv, cwd };
  } catch {
    return undefined; // it ended while we looked
  }
}

export function allProcs(): Proc[] {
  return fs.readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map((n) => readProc(+n)).filter((p): p is Proc => !!p);
}

/** Live (not zombie) `go` processes running in `dir`, and `compile` processes whose arguments mention it. */
export function goProcessesFor(dir: string, procs = allProcs()): { go: number; compile: number } {
  let go = 0;
  let compile = 0;
  const live = procs.filter((p) => p.state !== 'Z' && p.argv.length);
  const goPids = new Set(live.filter((p) => path.basename(p.argv[0]) === 'go' && p.cwd === dir).map((p) => p.pid));
  for (const p of live) {
    const name = path.basename(p.argv[0]);
    // A `go` whose parent is that `go` is a fork about to exec a tool, not a second go command.
    if (goPids.has(p.pid) && !goPids.has(p.ppid)) go++;
    else if (name === 'compile' && p.argv.some((a) => a.includes(dir))) compile++;
  }
  return { go, compile };
}

/** Zombie children of `ppid` (processes it never reaped). */
export function zombiesOf(ppid: number, procs = allProcs()): number {
  return procs.filter((p) => p.ppid === ppid && p.state === 'Z').length;
}
