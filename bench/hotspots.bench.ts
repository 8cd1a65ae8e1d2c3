// Line overlays: how long the real server takes to annotate a Go file (inlay hints +
// heat) once a ~million-sample heap profile is loaded, what a loaded profile holds
// in memory, and `go tool pprof -list` on the same file side by side.
//   npm run bench -- hotspots
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { InlayHintRequest } from 'vscode-languageserver-protocol';
import { buildHeatIndex } from '../server/src/hotspots/heatIndex';
import { aggregateProfiles, readProfileSource } from '../server/src/hotspots/load';
import { loadResolveContext } from '../server/src/profile/goEnv';
import { resolveFiles } from '../server/src/profile/sourcePaths';
import { HeatRequest, LoadProfileRequest } from '../server/src/protocol/lsp';
import { LspClient, uriOf } from '../test/helpers/lspClient';
import { synthesizeHeapProfile, type SynthSpec } from '../test/helpers/profileSynth';
import { withoutHugePages } from './hugePages';
import { benchProfileDir, realDeep, realGoTypes } from './realProfiles';
import { median, percentile, printTable } from './table';

/** The profile benchmark's million-sample profile (bench/profile.bench.ts), shared through its cache. */
const MILLION: SynthSpec = { seed: 1, stacks: 50_000, sizesPerStack: 20, functions: 3000, layers: 25, randomLinesNearLeaf: 0 };
const FILES = 20;

/**
 * The synthetic profile names files /home/build/shop/internal/pkgN/fileK.go of module
 * github.com/acme/shop; a workspace with that module and some of those files resolves
 * them as it would a profile from a build machine.
 */
function workspace(): { dir: string; profile: string; files: string[] } {
  const cache = path.join(os.tmpdir(), 'heaplens-bench-profiles-v1');
  fs.mkdirSync(cache, { recursive: true });
  const profile = path.join(cache, 'million.pb.gz');
  if (!fs.existsSync(profile)) {
    const { gz } = synthesizeHeapProfile(MILLION);
    fs.writeFileSync(`${profile}.${process.pid}.tmp`, gz);
    fs.renameSync(`${profile}.${process.pid}.tmp`, profile);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-bench-hot-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module github.com/acme/shop\n\ngo 1.21\n');
  const files: string[] = [];
  for (let i = 0; i < FILES; i++) {
    const pkg = (i * 5) % 97, k = i % 7;
    const file = path.join(dir, 'internal', `pkg${pkg}`, `file${k}.go`);
    const src = [`package pkg${pkg}`, ''];
    for (let l = 3; l <= 1500; l++) src.push(`\tbuf${l} := make([]byte, n+${l}) // line ${l}`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, src.join('\n') + '\n');
    files.push(file);
  }
  return { dir, profile, files };
}

function rssOf(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
const gc = () => (globalThis as { gc?: () => void }).gc?.();

async function main(): Promise<void> {
  const t0 = performance.now();
  const { dir, profile, files } = workspace();
  const size = fs.statSync(profile).size;
  const samples = MILLION.stacks * MILLION.sizesPerStack;
  console.log(`profile ${profile}: ${samples} samples, ${MILLION.stacks} distinct stacks (${mib(size)} gzipped); workspace of ${files.length} files ready in ${Math.round(performance.now() - t0)} ms`);

  // Memory a loaded profile holds: the server's pipeline in this process, measured after GC.
  gc(); gc();
  const before = process.memoryUsage();
  const read = await readProfileSource({ path: profile });
  const agg = await aggregateProfiles(read);
  const index = buildHeatIndex(agg, resolveFiles(agg, await loadResolveContext(dir)));
  (read as { bytes?: Uint8Array }).bytes = undefined; // the server drops the file's bytes after decoding
  gc(); gc();
  const after = process.memoryUsage();
  const held = (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
  if (index.files.size !== files.length) throw new Error(`resolved ${index.files.size} of ${files.length} files`);
  // pprof -list takes a function regex: the functions whose code is in the first file.
  const listed = new Set<string>();
  for (let l = 0; l < agg.lines.count; l++) {
    if (agg.files[agg.lines.file[l]].endsWith(path.relative(dir, files[0]))) listed.add(agg.strings[agg.functions.name[agg.lines.fn[l]]]);
  }
  const listRegex = `^(${[...listed].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})$`;

  // The real server over stdio.
  const client = await LspClient.start({ root: dir });
  const rssBefore = rssOf(client.proc.pid!);
  const tl = performance.now();
  await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), path: profile });
  const loadMs = performance.now() - tl;
  const rssAfter = rssOf(client.proc.pid!);

  const perFile: number[] = [];
  const hintsPerFile: number[] = [];
  for (const file of files) {
    await client.open(file);
    for (let r = 0; r < 5; r++) {
      const t = performance.now();
      const [hints] = await Promise.all([
        client.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: uriOf(file) }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } } }),
        client.conn.sendRequest(HeatRequest.type, { uri: uriOf(file) }),
      ]);
      perFile.push(performance.now() - t);
      if (r === 0) hintsPerFile.push(hints?.length ?? 0);
    }
  }
  await client.stop();

  // What a Go developer runs otherwise: pprof's per-line listing of the first file's functions (one run: it is slow).
  const tp = performance.now();
  const r = spawnSync('go', ['tool', 'pprof', '-list', listRegex, '-sample_index=alloc_space', profile], {
    encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, PPROF_TMPDIR: os.tmpdir() },
  });
  if (r.status !== 0) throw new Error(r.stderr.slice(0, 400));
  const pprofMs = [performance.now() - tp];
  const annotate = median(perFile);
  const goVersion = execFileSync('go', ['version'], { encoding: 'utf8' }).trim();

  printTable(['measure', 'HeapLens', '`go tool pprof -list`', 'ratio'], [
    ['profile', `${samples.toLocaleString('en')} samples, ${mib(size)} gz`, 'same file', ''],
    ['load (decode + aggregate + resolve + index), once', `${Math.round(loadMs)} ms`, '—', ''],
    ['annotate one file after load (inlay hints + heat), median', `${annotate.toFixed(1)} ms (target < 100)`, `${Math.round(median(pprofMs))} ms per file`, `${(median(pprofMs) / annotate).toFixed(0)}× faster`],
    [`annotate one file, p95 (${files.length} files × 5)`, `${percentile(perFile, 95).toFixed(1)} ms`, '', ''],
    ['first file: load + annotate vs one pprof -list', `${Math.round(loadMs + annotate)} ms`, `${Math.round(median(pprofMs))} ms`, `${(median(pprofMs) / (loadMs + annotate)).toFixed(1)}×`],
    ['hints per file', `${median(hintsPerFile)}`, '', ''],
    ['memory held per loaded profile (heap + buffers after GC)', mib(held), '', ''],
    ['server RSS growth on load', mib(rssAfter - rssBefore), '', ''],
  ]);
  console.log(`${goVersion}; ${os.cpus().length} cores`);
  if (!process.env.HEAPLENS_BENCH_SYNTHETIC_ONLY) await realShapes();
  if (!process.env.HEAPLENS_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Issue 15's real Go-written shapes through the server's bundled loader process, as the
 * language server loads a profile of 1 MB or more: the overlays from a first job, the
 * hovers' call paths from a second; and what the server then holds (after GC).
 */
async function realShapes(): Promise<void> {
  const loader = path.resolve(__dirname, '..', '..', 'server', 'out', 'profileLoader.js');
  const rows: string[][] = [];
  for (const real of [realDeep(benchProfileDir()), realGoTypes(benchProfileDir())]) {
    const { samples } = JSON.parse(real.note) as { samples: number };
    const overlay: number[] = [], paths: number[] = [], overlaySmall: number[] = [], pathsSmall: number[] = [];
    let held = 0;
    const kept: unknown[] = [];
    for (let r = 0; r < 3; r++) {
      kept.length = 0;
      gc(); gc();
      const before = process.memoryUsage();
      const t0 = performance.now();
      const read = await readProfileSource({ path: real.file });
      const agg = await aggregateProfiles(read, undefined, undefined, loader, false);
      const t1 = performance.now();
      agg.callPaths = (await aggregateProfiles(read, undefined, undefined, loader, true)).callPaths;
      paths.push(performance.now() - t1);
      overlay.push(t1 - t0);
      if (!agg.lines.count || !agg.callPaths) throw new Error('empty load');
      kept.push(agg, buildHeatIndex(agg, agg.files.map(() => null)));
      gc(); gc();
      const after = process.memoryUsage();
      held = (after.heapUsed - before.heapUsed) + (after.arrayBuffers - before.arrayBuffers);
      // The same two jobs with the loader on glibc's 4 KB pages, alternating.
      await withoutHugePages(async () => {
        const s0 = performance.now();
        const again = await aggregateProfiles(await readProfileSource({ path: real.file }), undefined, undefined, loader, false);
        const s1 = performance.now();
        await aggregateProfiles(await readProfileSource({ path: real.file }), undefined, undefined, loader, true);
        overlaySmall.push(s1 - s0);
        pathsSmall.push(performance.now() - s1);
        if (again.lines.count !== agg.lines.count) throw new Error('loads differ');
      });
    }
    rows.push([real.name, `${samples.toLocaleString('en')} samples, ${mib(fs.statSync(real.file).size)} gz`, `${Math.round(median(overlay))} ms`, `${Math.round(median(paths))} ms`, mib(held),
      `${Math.round(median(overlaySmall))} / ${Math.round(median(pathsSmall))} ms`]);
  }
  console.log('\nreal Go-written profiles in the language server (median of 3; the loader process, two jobs)');
  printTable(['profile', 'size', 'overlays (job 1)', 'call paths (job 2, after)', 'held by the server', 'jobs 1 / 2, glibc huge pages off'], rows);
}

main().catch((err) => { console.error(err); process.exit(1); });
