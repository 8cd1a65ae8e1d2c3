// Heap profile engine vs `go tool pprof -top`, side by side on the same files:
// decode + aggregate (all sample types, flamegraph tree, lines) wall time and peak
// memory, each in its own child process. Profiles: a synthetic Go-like heap profile
// of one million samples, one with many distinct locations (both generated once and
// cached in os.tmpdir()), and a real one from the bundled example (MemProfileRate=1).
//   npm run bench -- profile
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { aggregate } from '../server/src/profile/aggregate';
import { decodeProfile } from '../server/src/profile/decode';
import { topFunctions } from '../server/src/profile/query';
import { synthesizeHeapProfile, type SynthSpec } from '../test/helpers/profileSynth';

const RUNS = 3;

interface Measure { ms: number; cpuMs: number; rssMB: number; treeMs?: number; treeRssMB?: number }

if (process.argv[2] === '--measure') {
  // Child: exactly what `heaplens top` does before printing (decode, aggregate all
  // sample types, functions and lines), then the trees the flamegraph and hovers use.
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const profile = decodeProfile(fs.readFileSync(process.argv[3]));
  const agg = aggregate(profile);
  const rows = topFunctions(agg, agg.defaultSampleType);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  const rssMB = process.resourceUsage().maxRSS / 1024;
  const nodes = agg.tree.count;
  const treeMs = performance.now() - t0;
  if (!rows.length || nodes < 2) throw new Error('empty result');
  process.stdout.write(JSON.stringify({ ms, cpuMs, rssMB, treeMs, treeRssMB: process.resourceUsage().maxRSS / 1024 }));
} else {
  main();
}

function main(): void {
  const dir = path.join(os.tmpdir(), 'heaplens-bench-profiles-v1');
  fs.mkdirSync(dir, { recursive: true });
  const inputs: { name: string; file: string; note: string }[] = [
    synth(dir, 'million', { seed: 1, stacks: 50_000, sizesPerStack: 20, functions: 3000, layers: 25, randomLinesNearLeaf: 0 }),
    synth(dir, 'locations', { seed: 2, stacks: 200_000, sizesPerStack: 1, functions: 50_000, layers: 25, randomLinesNearLeaf: 2 }),
    realExample(dir),
  ];
  const pprof = pprofCommand();
  const timeBin = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
  console.log(`go: ${execFileSync('go', ['version'], { encoding: 'utf8' }).trim()} · node ${process.version} · ${os.cpus().length} cores`);
  console.log(`heaplens top: median of ${RUNS} runs, each in a fresh child process, of decode + aggregate (every sample type, functions and lines) + top; +trees adds the flamegraph and line trees (built on first use). pprof: one run of ${pprof.join(' ')} -top -nodecount=1000000 -nodefraction=0. Ratios: pprof vs heaplens top.`);
  const load = os.loadavg()[0];
  console.log(`load average at start: ${load.toFixed(1)} on ${os.cpus().length} cores${load > os.cpus().length ? ' (the machine is busy: wall times are inflated for both tools)' : ''}\n`);
  const header = ['profile', 'samples', 'locations', 'gz MB', 'heaplens top s', 'cpu s', 'MB', '+trees s', 'MB', 'pprof -top s', 'cpu s', 'MB', 'faster', 'cpu', 'smaller'];
  const rows: string[][] = [];
  const results: { name: string; ours: Measure; theirs: Measure }[] = [];
  for (const input of inputs) {
    const stats = JSON.parse(input.note) as { samples: number; locations: number };
    const ours = median(Array.from({ length: RUNS }, () => measureOurs(input.file)));
    const theirs = measurePprof(pprof, timeBin, input.file);
    results.push({ name: input.name, ours, theirs });
    rows.push([
      input.name, String(stats.samples), String(stats.locations), (fs.statSync(input.file).size / 1048576).toFixed(1),
      (ours.ms / 1000).toFixed(2), (ours.cpuMs / 1000).toFixed(2), ours.rssMB.toFixed(0), ((ours.treeMs ?? NaN) / 1000).toFixed(2), (ours.treeRssMB ?? NaN).toFixed(0),
      (theirs.ms / 1000).toFixed(2), Number.isNaN(theirs.cpuMs) ? 'n/a' : (theirs.cpuMs / 1000).toFixed(2), Number.isNaN(theirs.rssMB) ? 'n/a' : theirs.rssMB.toFixed(0),
      `${(theirs.ms / ours.ms).toFixed(1)}×`, Number.isNaN(theirs.cpuMs) ? 'n/a' : `${(theirs.cpuMs / ours.cpuMs).toFixed(1)}×`,
      Number.isNaN(theirs.rssMB) ? 'n/a' : `${(theirs.rssMB / ours.rssMB).toFixed(1)}×`,
    ]);
  }
  printTable(header, rows);
  const million = results[0];
  const m = million;
  console.log(`\nmillion-sample targets: ≥20× faster than pprof -top: ${(m.theirs.ms / m.ours.ms).toFixed(1)}× wall, ${(m.theirs.cpuMs / m.ours.cpuMs).toFixed(1)}× cpu ${m.theirs.ms / m.ours.ms >= 20 ? 'met' : 'MISSED'}; <1 s: ${(m.ours.ms / 1000).toFixed(2)} s wall, ${(m.ours.cpuMs / 1000).toFixed(2)} s cpu ${m.ours.ms < 1000 ? 'met' : 'MISSED'}; <300 MB: ${m.ours.rssMB.toFixed(0)} MB ${m.ours.rssMB < 300 ? 'met' : 'MISSED'}`);
}

function synth(dir: string, name: string, spec: SynthSpec): { name: string; file: string; note: string } {
  const file = path.join(dir, `${name}.pb.gz`);
  const meta = `${file}.json`;
  if (!fs.existsSync(file) || !fs.existsSync(meta)) {
    const t0 = Date.now();
    const { gz, samples, locations } = synthesizeHeapProfile(spec);
    fs.writeFileSync(`${file}.tmp`, gz);
    fs.renameSync(`${file}.tmp`, file);
    fs.writeFileSync(meta, JSON.stringify({ samples, locations }));
    console.log(`generated ${file} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }
  return { name, file, note: fs.readFileSync(meta, 'utf8') };
}

/** The bundled example's loadgen with every allocation recorded: a real Go heap profile. */
function realExample(dir: string): { name: string; file: string; note: string } {
  const file = path.join(dir, 'shop-rate1.pb.gz');
  const meta = `${file}.json`;
  if (!fs.existsSync(file) || !fs.existsSync(meta)) {
    const shop = path.resolve(__dirname, '..', '..', 'examples', 'shop');
    execFileSync('go', ['run', './cmd/loadgen', '-o', file, '-rate', '1', '-rounds', '2000'], { cwd: shop, stdio: 'inherit' });
    const p = decodeProfile(fs.readFileSync(file));
    fs.writeFileSync(meta, JSON.stringify({ samples: p.samples.count, locations: p.locations.count }));
  }
  return { name: 'shop (real, rate 1)', file, note: fs.readFileSync(meta, 'utf8') };
}

function measureOurs(file: string): Measure {
  const r = spawnSync(process.execPath, [__filename, '--measure', file], { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`measure failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Measure;
}

/** The pprof binary itself (go tool -n pprof), so neither `go` nor a build is measured. */
function pprofCommand(): string[] {
  execFileSync('go', ['tool', 'pprof', '-h'], { stdio: 'ignore' }); // builds and caches the tool
  const bin = execFileSync('go', ['tool', '-n', 'pprof'], { encoding: 'utf8' }).trim();
  return bin && fs.existsSync(bin) ? [bin] : ['go', 'tool', 'pprof'];
}

function measurePprof(cmd: string[], timeBin: string | null, file: string): Measure {
  const args = [...cmd.slice(1), '-top', '-nodecount=1000000', '-nodefraction=0', file];
  const t0 = performance.now();
  const r = timeBin
    ? spawnSync(timeBin, ['-f', 'HEAPLENS_RSS_KB=%M HEAPLENS_CPU_S=%U+%S', cmd[0], ...args], { encoding: 'utf8', maxBuffer: 1 << 28 })
    : spawnSync(cmd[0], args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = performance.now() - t0;
  if (r.status !== 0) throw new Error(`pprof failed: ${r.stderr}`);
  const kb = /HEAPLENS_RSS_KB=(\d+)/.exec(r.stderr ?? '');
  const cpu = /HEAPLENS_CPU_S=([\d.]+)\+([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpuMs: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN, rssMB: kb ? Number(kb[1]) / 1024 : NaN };
}

function median(ms: Measure[]): Measure {
  const s = [...ms].sort((a, b) => a.ms - b.ms);
  return s[Math.floor(s.length / 2)];
}

function printTable(header: string[], rows: string[][]): void {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ');
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
