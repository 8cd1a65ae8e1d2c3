// Warm re-analysis (issue 15): a save of an unchanged package, where `go` answers from its
// build cache and replays the compiler's -m=2 output. The language server (didSave → the
// `done` status or the diagnostics) against the bare `go build -gcflags=-m=2` a developer
// would run, alternating, on the lsp bench's generated packages, wall-clock and CPU.
//   npm run bench -- escapeWarm
// CPU is counted from /proc: for bare go the bench process's reaped children; for the
// server its own time plus its reaped children (the `go` it runs). Clock ticks are 10 ms,
// so per-run CPU is the total over all rounds divided by the rounds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeGoModule } from '../test/helpers/goFixture';
import { LspClient } from '../test/helpers/lspClient';
import { bigGo } from '../test/lsp/fixtures';
import { goBuild, lspSave } from './saveTimings';
import { median, printTable } from './table';

const ROUNDS = +(process.env.HEAPLENS_BENCH_ROUNDS ?? 15);
const TICK_MS = 10;

/** [own, children] CPU in ms of a process, from /proc/<pid>/stat. */
function cpuMs(pid: number | 'self'): [number, number] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command: state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  return [(+f[11] + +f[12]) * TICK_MS, (+f[13] + +f[14]) * TICK_MS];
}

async function main(): Promise<void> {
  const sizes = [300, 6700];
  const files: Record<string, string> = {};
  for (const n of sizes) files[`p${n}/p.go`] = bigGo(n, `p${n}`);
  const root = writeGoModule(files, { module: 'example.com/warmbench' });
  const client = await LspClient.start({ root, settings: { heaplens: {} } });
  const server = client.proc.pid!;
  const rows: string[][] = [];
  try {
    for (const n of sizes) {
      const file = path.join(root, `p${n}/p.go`);
      const first = client.nextDiagnostics(file, () => true, 600_000);
      await client.open(file);
      await first;
      await goBuild(root, `./p${n}`);
      await lspSave(client, file);
      const go: number[] = [];
      const lsp: number[] = [];
      let goCpu = 0, serverCpu = 0, serverGoCpu = 0;
      for (let i = 0; i < ROUNDS; i++) {
        const g0 = cpuMs('self')[1];
        go.push(await goBuild(root, `./p${n}`));
        goCpu += cpuMs('self')[1] - g0;
        const [s0, c0] = cpuMs(server);
        lsp.push(await lspSave(client, file));
        const [s1, c1] = cpuMs(server);
        serverCpu += s1 - s0;
        serverGoCpu += c1 - c0;
      }
      const g = median(go);
      const l = median(lsp);
      const lspCpu = serverCpu + serverGoCpu;
      rows.push([`p${n} (${n} functions)`, `${g.toFixed(0)} ms`, `${l.toFixed(0)} ms`, (l / g).toFixed(2),
        `${(goCpu / ROUNDS).toFixed(0)} ms`, `${(serverCpu / ROUNDS).toFixed(0)} + ${(serverGoCpu / ROUNDS).toFixed(0)} ms`, (lspCpu / Math.max(goCpu, 1)).toFixed(2)]);
    }
    const rss = fs.readFileSync(`/proc/${server}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)?.[1];
    if (rss) console.log(`server peak RSS: ${(+rss / 1024).toFixed(0)} MiB`);
  } finally {
    await client.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
  console.log(`\nwarm save (unchanged package, build cache replays -m=2), median of ${ROUNDS}, alternating\n`);
  printTable(['package', 'go build -gcflags=-m=2', 'HeapLens LSP', 'ratio', 'go CPU/run', 'LSP CPU/run (server + its go)', 'CPU ratio'], rows);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
