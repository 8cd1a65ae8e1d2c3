// Real Go-written profiles of issue 15's two shapes, generated here by Go (the
// generators are committed, the files are not) and cached in os.tmpdir() per
// generator source and Go version: ~10^6 distinct deep stacks from
// bench/profiles/deepstacks, and go/types' own benchmark with every allocation
// recorded. Shared by the profile, flamegraph and hotspots benchmarks.
//   HEAPLENS_BENCH_TYPES=PATTERN   the -bench pattern for the go/types profile (default
//                                  Check: issue 15's ~580k samples, ~3 min to generate
//                                  once; Check/http/^funcbodies$ gives 260k sooner)
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { decodeProfile } from '../server/src/profile/decode';

export interface BenchProfile { name: string; file: string; note: string }

/** Where every benchmark keeps the profiles it generates. */
export function benchProfileDir(): string {
  const dir = path.join(os.tmpdir(), 'heaplens-bench-profiles-v1');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/** Builds and runs a committed Go generator once per source + Go version; caches its output. */
function generated(dir: string, name: string, note: string, make: (out: string) => void, key: string): BenchProfile {
  const hash = createHash('sha256').update(key + execFileSync('go', ['version'], { encoding: 'utf8' })).digest('hex').slice(0, 12);
  const file = path.join(dir, `${name.replace(/\W+/g, '-')}-${hash}.pb.gz`);
  const meta = `${file}.json`;
  if (!fs.existsSync(file) || !fs.existsSync(meta)) {
    const t0 = Date.now();
    console.log(`generating ${note} (once; cached in ${dir}) …`);
    make(`${file}.tmp`);
    fs.renameSync(`${file}.tmp`, file);
    const p = decodeProfile(fs.readFileSync(file));
    fs.writeFileSync(meta, JSON.stringify({ samples: p.samples.count, locations: p.locations.count }));
    console.log(`generated ${file} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  return { name, file, note: fs.readFileSync(meta, 'utf8') };
}

/** Issue 15's first shape: runtime/pprof, MemProfileRate=1, 2^20 distinct stacks ~25 deep. */
export function realDeep(dir: string): BenchProfile {
  const src = path.resolve(__dirname, '..', '..', 'bench', 'profiles');
  return generated(dir, 'deep (real, 2^20 stacks)', 'bench/profiles/deepstacks -bits 20',
    (out) => execFileSync('go', ['run', './deepstacks', '-o', out, '-bits', '20'], { cwd: src, stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local' } }),
    fs.readFileSync(path.join(src, 'deepstacks', 'main.go'), 'utf8'));
}

/** Issue 15's second shape: go/types' own benchmark with every allocation recorded. */
export function realGoTypes(dir: string): BenchProfile {
  const bench = process.env.HEAPLENS_BENCH_TYPES ?? 'Check';
  const args = ['test', 'go/types', '-run=NONE', `-bench=${bench}`, '-benchtime=3x', '-memprofilerate=1', '-timeout=0'];
  return generated(dir, 'go/types (real)', `go ${args.join(' ')} -memprofile`, (out) => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-gotypes-'));
    try {
      execFileSync('go', [...args, '-memprofile', out], { cwd: work, stdio: 'inherit', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, args.join(' '));
}
