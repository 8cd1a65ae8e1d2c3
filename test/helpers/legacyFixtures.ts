// Go's own profiles in every form runtime/pprof writes (test/fixtures/legacy/gen),
// built and run once per source hash and cached in os.tmpdir(), plus the
// checked-in legacy files no Go program writes (test/fixtures/legacy).
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './goFixture';

const execFileP = promisify(execFile);

export const legacyDir = path.join(repoRoot, 'test', 'fixtures', 'legacy');
const genSource = path.join(legacyDir, 'gen', 'main.go');

export const GO_PROFILES = ['heap', 'allocs', 'mutex', 'block', 'goroutine', 'threadcreate'] as const;
/** Go's mutex profile written again with the fraction at 5 and at 0: only the text's "sampling period" differs. */
export const GO_MUTEX_PERIODS = ['mutex-period5', 'mutex-period0'] as const;
export type GoProfileName = (typeof GO_PROFILES)[number] | (typeof GO_MUTEX_PERIODS)[number];

export interface GoLegacyFixtures {
  dir: string;
  /** name.pb.gz (debug=0) and name.txt (debug=1), written back to back. */
  proto(name: GoProfileName): string;
  text(name: GoProfileName): string;
  goroutineDebug2: string;
  trace: string;
}

let cached: Promise<GoLegacyFixtures> | undefined;

export function goLegacyFixtures(): Promise<GoLegacyFixtures> {
  cached ??= build();
  return cached;
}

async function build(): Promise<GoLegacyFixtures> {
  const src = fs.readFileSync(genSource, 'utf8');
  const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' }).stdout;
  const hash = createHash('sha256').update(src + goVersion).digest('hex').slice(0, 16);
  const dir = path.join(os.tmpdir(), `heaplens-legacy-${hash}`);
  const result: GoLegacyFixtures = {
    dir,
    proto: (n) => path.join(dir, `${n}.pb.gz`),
    text: (n) => path.join(dir, `${n}.txt`),
    goroutineDebug2: path.join(dir, 'goroutine-debug2.txt'),
    trace: path.join(dir, 'trace.out'),
  };
  if (fs.existsSync(path.join(dir, 'done'))) return result;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-legacy-build-'));
  try {
    fs.writeFileSync(path.join(work, 'go.mod'), 'module example.com/legacygen\n\ngo 1.21\n');
    fs.writeFileSync(path.join(work, 'main.go'), src);
    const env = { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' };
    await execFileP('go', ['build', '-o', 'gen', '.'], { cwd: work, env });
    const out = path.join(work, 'out');
    fs.mkdirSync(out);
    await execFileP(path.join(work, 'gen'), [out], { cwd: work });
    await execFileP(path.join(work, 'gen'), [out, 'trace'], { cwd: work });
    fs.writeFileSync(path.join(out, 'done'), '');
    try {
      fs.renameSync(out, dir);
    } catch {
      // Another test file won the race; its files are equivalent.
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  return result;
}

/** The checked-in files no Go program writes: name → sample types pprof reports. */
export const CHECKED_IN = [
  'heapz.txt', 'heapprofile.txt', 'growthz.txt', 'contentionz.txt', 'threadz.txt',
  'cpu-32le.prof', 'cpu-32be.prof', 'cpu-64le.prof', 'cpu-64be.prof',
  'java-heapz.txt', 'java-contentionz.txt', 'java-cpu.prof',
].map((f) => path.join(legacyDir, f));

export interface RawSample { values: number[]; addrs: string[]; bytes?: number }

/** `go tool pprof -raw -symbolize=none`: the samples as value lists and address stacks. */
export async function pprofRaw(file: string): Promise<{ types: string[]; samples: RawSample[] }> {
  const { stdout } = await execFileP('go', ['tool', 'pprof', '-raw', '-symbolize=none', file], { maxBuffer: 1 << 28, env: { ...process.env, PPROF_TMPDIR: os.tmpdir() } });
  const lines = stdout.split('\n');
  const iS = lines.indexOf('Samples:'), iL = lines.indexOf('Locations');
  const types = lines[iS + 1].trim().split(/\s+/).map((t) => t.split('/')[0]);
  const addr = new Map<string, string>();
  for (let i = iL + 1; i < lines.length && !lines[i].startsWith('Mappings'); i++) {
    const m = /^\s*(\d+): (0x[0-9a-f]+)/.exec(lines[i]);
    if (m) addr.set(m[1], m[2]);
  }
  const samples: RawSample[] = [];
  for (let i = iS + 2; i < iL; i++) {
    const m = /^\s*(-?\d+(?: +-?\d+)*): ?((?:\d+ ?)*)$/.exec(lines[i]);
    if (m) { samples.push({ values: m[1].trim().split(/\s+/).map(Number), addrs: m[2].trim() ? m[2].trim().split(/\s+/).map((id) => addr.get(id)!) : [] }); continue; }
    const b = /^\s*bytes:\[(-?\d+)\]/.exec(lines[i]);
    if (b && samples.length) samples[samples.length - 1].bytes = Number(b[1]);
  }
  return { types, samples };
}
