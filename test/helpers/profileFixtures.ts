// Real pprof profiles written at test time by real Go programs, built once and cached
// in os.tmpdir() by a hash of their source (test files running in parallel share them),
// and `go tool pprof -top` parsed for comparison.
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { exampleDir, repoRoot } from './goFixture';

const execFileP = promisify(execFile);

// The same generators that wrote the checked-in profiles (test/fixtures/profiles/gen).
const genDir = path.join(repoRoot, 'test', 'fixtures', 'profiles', 'gen');
export const HEAP_PROGRAM = fs.readFileSync(path.join(genDir, 'heap', 'main.go'), 'utf8');
export const CPU_PROGRAM = fs.readFileSync(path.join(genDir, 'cpu', 'main.go'), 'utf8');

export interface ProfileFixtures {
  dir: string;
  /** pprof.Lookup("allocs"): default_sample_type alloc_space. */
  allocs: string;
  /** pprof.Lookup("heap"): no default type, so inuse_space (the last). */
  heap: string;
  cpu: string;
  /** examples/shop's cmd/loadgen. */
  shop: string;
}

let cached: Promise<ProfileFixtures> | undefined;

/** Builds and runs the Go programs once per source hash; later calls reuse the files. */
export function profileFixtures(): Promise<ProfileFixtures> {
  cached ??= build();
  return cached;
}

async function build(): Promise<ProfileFixtures> {
  const shopSrc = ['cmd/loadgen/main.go', 'catalog/catalog.go', 'go.mod'].map((f) => fs.readFileSync(path.join(exampleDir, f), 'utf8')).join('\0');
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout;
  // The example's profile records where it was built: another checkout needs its own.
  const hash = createHash('sha256').update(HEAP_PROGRAM + CPU_PROGRAM + shopSrc + goVersion + exampleDir).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `heaplens-profiles-${hash}`);
  const result: ProfileFixtures = {
    dir, allocs: path.join(dir, 'allocs.pb.gz'), heap: path.join(dir, 'heap.pb.gz'),
    cpu: path.join(dir, 'cpu.pb.gz'), shop: path.join(dir, 'shop.pb.gz'),
  };
  if (fs.existsSync(path.join(dir, 'done'))) return result;

  // Build in a private dir, then rename into place: parallel test files may race here.
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-profiles-build-'));
  const write = (rel: string, text: string) => { fs.mkdirSync(path.dirname(path.join(work, rel)), { recursive: true }); fs.writeFileSync(path.join(work, rel), text); };
  write('go.mod', 'module example.com/profgen\n\ngo 1.21\n');
  write('cmd/heap/main.go', HEAP_PROGRAM);
  write('cmd/cpu/main.go', CPU_PROGRAM);
  const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
  await execFileP('go', ['build', '-o', path.join(work, 'bin') + path.sep, './cmd/...'], { cwd: work, env });
  await Promise.all([
    execFileP(path.join(work, 'bin', 'heap'), [path.join(work, 'allocs.pb.gz'), path.join(work, 'heap.pb.gz')], { cwd: work }),
    execFileP(path.join(work, 'bin', 'cpu'), [path.join(work, 'cpu.pb.gz')], { cwd: work }),
    execFileP('go', ['run', './cmd/loadgen', '-o', path.join(work, 'shop.pb.gz'), '-rounds', '300'], { cwd: exampleDir, env: { ...process.env, GOTOOLCHAIN: 'local' } }),
  ]);
  fs.writeFileSync(path.join(work, 'done'), '');
  try {
    fs.renameSync(work, dir);
  } catch {
    // Another test file won the race; its files are equivalent.
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}

export interface PprofRow { name: string; flat: number; cum: number; inline?: 'inline' | 'partial-inline' }
export interface PprofTop { total: number; rows: PprofRow[] }

/** `go tool pprof -top -nodecount=1000000 -nodefraction=0 -sample_index=T`, exact units, parsed. */
export async function pprofTop(file: string, sampleType: string, unit: string, extra: string[] = []): Promise<PprofTop> {
  const args = ['tool', 'pprof', '-top', '-nodecount=1000000', '-nodefraction=0', `-sample_index=${sampleType}`, ...extra];
  // Exact numbers instead of "1.50MB": bytes in B, time in ns, counts as they are.
  if (unit === 'bytes') args.push('-unit=B');
  if (unit === 'nanoseconds') args.push('-unit=ns');
  args.push(file);
  const { stdout } = await execFileP('go', args, { maxBuffer: 1 << 28, env: { ...process.env, PPROF_TMPDIR: os.tmpdir() } });
  return parsePprofTop(stdout);
}

export function parsePprofTop(text: string): PprofTop {
  const lines = text.split('\n');
  let total = NaN;
  const rows: PprofRow[] = [];
  let inTable = false;
  for (const line of lines) {
    const m = /Showing nodes accounting for .*? of (\S+) total/.exec(line);
    if (m) total = num(m[1]);
    if (/^\s*flat\s+flat%\s+sum%\s+cum\s+cum%/.test(line)) { inTable = true; continue; }
    if (!inTable || !line.trim()) continue;
    const r = /^\s*(\S+)\s+\S+%\s+\S+%\s+(\S+)\s+\S+%\s+(.*)$/.exec(line);
    if (!r) throw new Error(`unparsed pprof line: ${line}`);
    const mark = / \(((?:partial-)?inline)\)$/.exec(r[3]);
    rows.push({ name: mark ? r[3].slice(0, mark.index) : r[3], flat: num(r[1]), cum: num(r[2]), ...(mark ? { inline: mark[1] as PprofRow['inline'] } : {}) });
  }
  return { total, rows };
}

function num(s: string): number {
  const m = /^(-?[\d.]+(?:e[+-]?\d+)?)(B|ns)?$/.exec(s);
  if (!m) throw new Error(`pprof value with a unit this parser does not take: ${s}`);
  return Number(m[1]);
}

/** The built CLI bundle (node scripts/build.mjs). */
export const cliPath = path.join(repoRoot, 'server', 'out', 'cli.js');

export async function runCli(args: string[], cwd = repoRoot): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await execFileP(process.execPath, [cliPath, ...args], { cwd, maxBuffer: 1 << 28 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}
