// The language server against the command a Go developer would run by hand:
// time from didSave to publishDiagnostics vs `go build -gcflags=-m=2` on the same
// package (cold-ish: the file changed, so the package really compiles; warm: the
// build cache replays), and hover latency on a file with thousands of findings.
// Run: npm run bench -- lsp
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeGoModule } from '../test/helpers/goFixture';
import { LspClient } from '../test/helpers/lspClient';
import { bigGo, escGo } from '../test/lsp/fixtures';
import { goBuild, lspSave } from './saveTimings';
import { median, percentile, printTable } from './table';

const ROUNDS = 7;
/** ~30 lines of -m=2 output per function: 6,700 functions give ~200k lines. */
const HUGE_FUNCS = 6700;

interface Case { name: string; root: string; pattern: string; file: string; text: string; rounds: number }

async function compare(client: LspClient, c: Case): Promise<string[][]> {
  const rows: string[][] = [];
  for (const mode of ['cold-ish (file changed)', 'warm (unchanged, cache replay)'] as const) {
    const go: number[] = [];
    const lsp: number[] = [];
    for (let i = 0; i < c.rounds; i++) {
      // Alternate, so both see the same machine noise; each gets its own fresh content when cold.
      if (mode.startsWith('cold')) fs.writeFileSync(c.file, `${c.text}\n// go ${mode} ${i} ${Date.now()}\n`);
      go.push(await goBuild(c.root, c.pattern));
      if (mode.startsWith('cold')) fs.writeFileSync(c.file, `${c.text}\n// lsp ${mode} ${i} ${Date.now()}\n`);
      lsp.push(await lspSave(client, c.file));
    }
    const g = median(go);
    const l = median(lsp);
    rows.push([c.name, mode, `${g.toFixed(0)} ms`, `${l.toFixed(0)} ms`, `${(l / g).toFixed(2)}`]);
  }
  return rows;
}

async function main(): Promise<void> {
  const root = writeGoModule({
    'esc/esc.go': escGo,
    'mid/mid.go': bigGo(300, 'mid'),
    'huge/huge.go': bigGo(HUGE_FUNCS, 'huge'),
  }, { module: 'example.com/lspbench' });
  const client = await LspClient.start({ root, settings: { heaplens: {} } });
  const cases: Case[] = [
    { name: 'esc (3 functions)', root, pattern: './esc', file: path.join(root, 'esc/esc.go'), text: escGo, rounds: ROUNDS },
    { name: 'mid (300 functions)', root, pattern: './mid', file: path.join(root, 'mid/mid.go'), text: bigGo(300, 'mid'), rounds: ROUNDS },
    { name: `huge (${HUGE_FUNCS} functions)`, root, pattern: './huge', file: path.join(root, 'huge/huge.go'), text: bigGo(HUGE_FUNCS, 'huge'), rounds: 3 },
  ];
  for (const c of cases) {
    const first = client.nextDiagnostics(c.file, () => true, 300_000);
    await client.open(c.file);
    await first;
  }
  const huge = cases[2];
  const stderrLines = await new Promise<number>((resolve) => {
    const child = spawn('go', ['build', '-o', '/dev/null', '-gcflags=-m=2', huge.pattern], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let n = 0;
    child.stderr.on('data', (d: Buffer) => { for (const b of d) if (b === 10) n++; });
    child.on('close', () => resolve(n));
  });

  const rows: string[][] = [];
  for (const c of cases) rows.push(...(await compare(client, c)));
  console.log(`\ndidSave → publishDiagnostics vs bare go build -gcflags=-m=2 (median of ${ROUNDS}, huge: 3; huge prints ${stderrLines} lines)\n`);
  printTable(['package', 'run', 'go build -gcflags=-m=2', 'HeapLens LSP', 'ratio'], rows);

  // Hover on the huge file: thousands of findings indexed by line.
  const diags = client.latest.get(huge.file) ?? [];
  const times: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const d = diags[(i * 7919) % diags.length];
    const t0 = performance.now();
    await client.hover(huge.file, d.range.start.line, d.range.start.character);
    times.push(performance.now() - t0);
  }
  console.log(`\nhover round trip over stdio, 1000 hovers on a file with ${diags.length} diagnostics\n`);
  printTable(['metric', 'HeapLens LSP', 'target'], [
    ['p50', `${percentile(times, 50).toFixed(2)} ms`, '—'],
    ['p95', `${percentile(times, 95).toFixed(2)} ms`, '< 10 ms'],
    ['max', `${Math.max(...times).toFixed(2)} ms`, '—'],
  ]);
  const rss = fs.readFileSync(`/proc/${client.proc.pid}/status`, 'utf8').match(/VmHWM:\s+(\d+) kB/)?.[1];
  if (rss) console.log(`\nserver peak RSS: ${(+rss / 1024).toFixed(0)} MiB`);
  await client.stop();
  fs.rmSync(root, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
