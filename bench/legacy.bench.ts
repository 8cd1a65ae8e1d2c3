// Legacy profiles: HeapLens reading Go's debug=1 heap text (parse, names from the
// # lines, aggregation) and a gperftools heapz text vs `go tool pprof -top` on the
// same files. Inputs are synthesised once (seeded, deterministic) in os.tmpdir().
//   npm run bench -- legacy
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aggregate } from '../server/src/profile/aggregate';
import { openProfile } from '../server/src/profile/open';
import { topFunctions } from '../server/src/profile/query';
import { median, printTable } from './table';

const RUNS = 3;

/** A Go debug=1 heap text: `records` stacks of `depth` frames over `fns` functions. */
function goHeapText(records: number, depth: number, fns: number, seed: number): string {
  let x = seed;
  const rnd = (n: number) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
  const out: string[] = [];
  out.push(`heap profile: ${records}: ${records * 4096} [${records * 2}: ${records * 8192}] @ heap/1048576`);
  for (let r = 0; r < records; r++) {
    const frames = Array.from({ length: depth }, () => rnd(fns));
    const addrs = frames.map((f, i) => 0x401000 + f * 0x400 + 0x20 + (i % 7) * 4 + 1);
    const n = 1 + rnd(20);
    out.push(`${n}: ${n * 4096} [${2 * n}: ${2 * n * 4096}] @ ${addrs.map((a) => `0x${a.toString(16)}`).join(' ')}`);
    frames.forEach((f, i) => {
      const pc = addrs[i] - 1;
      out.push(`#\t0x${pc.toString(16)}\tmain.fn${f}+0x${(pc - (0x401000 + f * 0x400)).toString(16)}\t/src/app/pkg${f % 50}/file${f % 7}.go:${10 + (i % 7)}`);
    });
    out.push('');
  }
  out.push('', '# runtime.MemStats', '# Alloc = 1', '# TotalAlloc = 1', '# Sys = 1', '# HeapAlloc = 1', '# HeapSys = 1', '# HeapObjects = 1', '# NumGC = 1');
  return out.join('\n') + '\n';
}

function heapzText(records: number, depth: number, seed: number): string {
  let x = seed;
  const rnd = (n: number) => { x = (x * 1103515245 + 12345) % 2147483648; return x % n; };
  const out = [`heap profile: ${records}: ${records * 4096} [${records * 2}: ${records * 8192}] @ heapz_v2/524288`];
  for (let r = 0; r < records; r++) {
    const n = 1 + rnd(20);
    const addrs = Array.from({ length: depth }, () => `0x${(0x401000 + rnd(200000) * 16).toString(16)}`);
    out.push(`${n}: ${n * 65536} [${2 * n}: ${2 * n * 65536}] @ ${addrs.join(' ')}`);
  }
  out.push('', 'MAPPED_LIBRARIES:', '00400000-01000000 r-xp 00000000 08:01 1 /usr/local/bin/server', '');
  return out.join('\n');
}

function time<T>(f: () => T): { ms: number; v: T } {
  const t0 = performance.now();
  const v = f();
  return { ms: performance.now() - t0, v };
}

function main(): void {
  const dir = path.join(os.tmpdir(), 'heaplens-bench-legacy-v1');
  fs.mkdirSync(dir, { recursive: true });
  const inputs = [
    { name: 'Go debug=1 heap text, 50k stacks × 12 frames', file: path.join(dir, 'go-heap.txt'), make: () => goHeapText(50_000, 12, 4000, 1) },
    { name: 'gperftools heapz, 200k stacks × 12 addresses', file: path.join(dir, 'heapz.txt'), make: () => heapzText(200_000, 12, 2) },
  ];
  const load = os.loadavg()[0];
  console.log(`node ${process.version} · ${os.cpus().length} cores · load average ${load.toFixed(1)} at start`);
  console.log(`heaplens: median of ${RUNS} in-process runs of openProfile (parse, names, normalise) + aggregate + top. pprof: one run of go tool pprof -top -nodecount=1000000 -nodefraction=0 -symbolize=none.\n`);
  const rows: string[][] = [];
  for (const input of inputs) {
    if (!fs.existsSync(input.file)) fs.writeFileSync(input.file, input.make());
    const bytes = fs.readFileSync(input.file);
    const runs = Array.from({ length: RUNS }, () => time(() => {
      const p = openProfile(bytes);
      const agg = aggregate(p);
      return topFunctions(agg, agg.defaultSampleType).length;
    }));
    const ours = median(runs.map((r) => r.ms));
    const t0 = performance.now();
    const r = spawnSync('go', ['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', '-symbolize=none', input.file], { env: { ...process.env, PPROF_TMPDIR: os.tmpdir() }, maxBuffer: 1 << 28 });
    const theirs = performance.now() - t0;
    if (r.status !== 0) throw new Error(`pprof failed: ${r.stderr}`);
    rows.push([input.name, (bytes.length / 1e6).toFixed(1), (ours / 1000).toFixed(2), (theirs / 1000).toFixed(2), `${(theirs / ours).toFixed(1)}×`]);
  }
  printTable(['input', 'MB', 'heaplens s', 'pprof -top s', 'faster'], rows);
}

main();
