// Escape analysis: how fast we parse, and what we add on top of the bare `go` command.
//   npm run bench -- escape
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCompilerOutput } from '../server/src/escape/parse';
import { runEscapeAnalysis } from '../server/src/escape/run';
import { median, printTable } from './table';

const repo = path.resolve(__dirname, '..', '..');
const example = path.join(repo, 'examples', 'shop');

function bigOutput(): { text: string; cwd: string } {
  // The standard library at all=-m=2 for a program using several packages: ~100k lines.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-bench-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module bench\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'main.go'), 'package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"net/http"\n\t"os"\n)\n\nfunc main() {\n\tb, _ := json.Marshal(os.Args)\n\tfmt.Println(string(b))\n\t_ = http.ListenAndServe(":0", nil)\n}\n');
  const r = spawnSync('go', ['build', '-o', os.devNull, '-gcflags=all=-m=2', '.'], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr.slice(0, 500));
  return { text: r.stderr, cwd: dir };
}

function timeBareGo(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync('go', args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(r.stderr);
  return performance.now() - t0;
}

async function main(): Promise<void> {
  const { text, cwd } = bigOutput();
  const mb = Buffer.byteLength(text) / 1e6;
  const lines = text.split('\n').length;
  const parseTimes: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    parseCompilerOutput(text, cwd, { failed: false });
    parseTimes.push(performance.now() - t0);
  }
  const parseMs = median(parseTimes);

  // Warm runs (the build cache replays -m output), alternating so both see the same machine.
  const args = ['build', '-o', os.devNull, '-gcflags=-m=2', './...'];
  timeBareGo(args, example);
  const bare: number[] = [];
  const engine: number[] = [];
  const cli: number[] = [];
  for (let i = 0; i < 9; i++) {
    bare.push(timeBareGo(args, example));
    const t0 = performance.now();
    await runEscapeAnalysis({ moduleRoot: example, packages: ['./...'] });
    engine.push(performance.now() - t0);
    const t1 = performance.now();
    spawnSync(process.execPath, [path.join(repo, 'server/out/cli.js'), 'escape', '--json', '--dir', example, './...'], { encoding: 'utf8' });
    cli.push(performance.now() - t1);
  }
  const b = median(bare);
  const e = median(engine);
  const c = median(cli);
  printTable(['measure', 'value'], [
    ['-m=2 output parsed', `${mb.toFixed(1)} MB, ${lines} lines`],
    ['parse time (median of 7)', `${parseMs.toFixed(0)} ms`],
    ['parse throughput', `${(mb / (parseMs / 1000)).toFixed(0)} MB/s (target ≥ 50)`],
    ['bare `go build -gcflags=-m=2 ./...` (example, warm)', `${b.toFixed(0)} ms`],
    ['engine in-process (run + parse)', `${e.toFixed(0)} ms`],
    ['engine overhead over bare go', `${(((e - b) / b) * 100).toFixed(1)}% (ratio ${(e / b).toFixed(3)}; target ≤ 5%)`],
    ['`heaplens escape --json` incl. Node start', `${c.toFixed(0)} ms (ratio ${(c / b).toFixed(2)})`],
  ]);
}

main().catch((err) => { console.error(err); process.exit(1); });
