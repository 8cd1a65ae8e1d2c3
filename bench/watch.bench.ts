// Heap watch over 1,000 snapshots of the real examples/leaky service: memory of the
// watching process and disk stay bounded (K kept), time per snapshot, and the growth
// ranking over K snapshots beside one `go tool pprof -top -base first last`.
//   npm run bench -- watch
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { growthReport, suspects } from '../server/src/watch/growth';
import { runWatch } from '../server/src/watch/watcher';
import { buildLeaky, startLeaky } from '../test/helpers/leaky';
import { median, printTable } from './table';

const SNAPSHOTS = Number(process.env.WATCH_SNAPSHOTS ?? 1000);
const KEEP = 60;

async function main(): Promise<void> {
  const build = await buildLeaky();
  // Small leaks only: the service itself must not eat the shared machine over the run.
  const svc = await startLeaky(build, ['-leak', 'sessions,goroutines', '-memprofilerate', '65536'], 10, '30m');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-bench-watch-'));
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const checkpoints = new Set([10, 100, 250, 500, 750, 1000].filter((n) => n <= SNAPSHOTS));
  const rows: string[][] = [];
  const durations: number[] = [];
  const t0 = Date.now();
  try {
    const r = await runWatch({
      url: svc.url, everyMs: 0, snapshots: SNAPSHOTS, keep: KEEP, dir,
      onSnapshot: (s, ring) => {
        durations.push(s.durationMs);
        if (!checkpoints.has(s.seq)) return;
        gc();
        const mem = process.memoryUsage();
        rows.push([String(s.seq), String(ring.size), mib(mem.heapUsed), mib(mem.rss), mib(ring.diskBytes()), String(fs.readdirSync(dir).length)]);
      },
    });
    console.log(`${SNAPSHOTS} snapshots in ${((Date.now() - t0) / 1000).toFixed(1)} s, median ${median(durations)} ms per snapshot (heap + goroutine + MemStats), load average ${os.loadavg()[0].toFixed(1)}`);
    printTable(['snapshots taken', 'kept', 'JS heap used', 'RSS', 'disk', 'files'], rows);

    const snaps = [...r.ring.all()];
    const reps: number[] = [];
    let report = growthReport(snaps);
    for (let i = 0; i < 7; i++) { const a = performance.now(); report = growthReport(snaps); reps.push(performance.now() - a); }
    const first = path.join(dir, `${String(snaps[0].seq).padStart(6, '0')}.heap.pb.gz`);
    const last = path.join(dir, `${String(snaps[snaps.length - 1].seq).padStart(6, '0')}.heap.pb.gz`);
    const pp: number[] = [];
    for (let i = 0; i < 3; i++) {
      const a = performance.now();
      execFileSync('go', ['tool', 'pprof', '-top', '-sample_index=inuse_space', '-base', first, last], { stdio: 'pipe' });
      pp.push(performance.now() - a);
    }
    printTable(['measure', 'value'], [
      [`growth ranking over ${snaps.length} kept snapshots (median of 7)`, `${median(reps).toFixed(1)} ms`],
      ['`go tool pprof -top -base first last` (2 snapshots, median of 3)', `${median(pp).toFixed(0)} ms`],
      ['ratio pprof / heaplens', `${(median(pp) / median(reps)).toFixed(1)}×`],
      ['leak suspects found (lines, goroutine groups)', `${suspects(report).lines.length}, ${suspects(report).goroutines.length}`],
    ]);
  } finally {
    svc.stop();
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(build.dir, { recursive: true, force: true });
  }
}

const mib = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;

main().catch((e) => { console.error(e); process.exit(1); });
