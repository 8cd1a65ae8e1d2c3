// `heaplens top | lines | diff`: heap profiles from the command line. Values equal
// `go tool pprof -top -nodecount=1000000 -nodefraction=0 -sample_index=T`.
import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { aggregate } from '../profile/aggregate';
import { captureProfile, isProfileUrl } from '../profile/capture';
import { diffFunctions, functionVectors, vectorRows, type FunctionVectors } from '../profile/diff';
import { formatPercent, formatValue } from '../profile/format';
import { loadResolveContext } from '../profile/goEnv';
import { directAggregates } from '../profile/directAggregate';
import { openProfile, openTables } from '../profile/open';
import { inlineMarks, type InlineMark } from '../profile/inlineMarks';
import type { Aggregates, FlatCumAggregates, Profile, ProfileSource } from '../profile/model';
import { sampleTypeIndex, topFunctions, type FunctionRow } from '../profile/query';
import { resolveFiles } from '../profile/sourcePaths';
import { MAX_PROFILE_FILE_BYTES } from '../hotspots/load';
import { FileReadError, readRegularFileSync } from '../limits/files';
import { CliError, type Command, parseArgs, stringFlag } from './command';
import { serveBaseThread, startBaseThread } from './diffThread';

const common = `PROFILE is a pprof file (gzip-compressed or raw protobuf), any of the older formats
go tool pprof reads (Go's debug=1 text of heap, allocs, mutex, block, goroutine and
threadcreate; gperftools heap, growth, contention, thread and binary CPU profiles;
Java heapz, contentionz and CPU profiles), or an http(s) URL of a Go program's
/debug/pprof endpoint (…/heap, …/heap?debug=1, …/allocs?seconds=N).

  --sample-type T   alloc_objects, alloc_space, inuse_objects, inuse_space, … (default:
                    the profile's default_sample_type, else its last type, as pprof)
  --json            machine-readable output (below)

Exit codes: 0 ok, 2 unreadable input or usage error (one line on standard error).`;

export const topCommand: Command = {
  summary: 'heaviest functions of a heap (or any pprof) profile, like pprof -top',
  help: `usage: heaplens top PROFILE [--sample-type T] [--json] [--limit N]

${common}
  --limit N         show only the first N functions

Functions whose calls were inlined into their callers are marked (inline), or
(partial-inline) when only some were, as pprof -top does.

JSON: {"sampleType","unit","total","functions":[{"name","flat","cum"[,"inline"]}]}, sorted by
flat descending, then name; "inline" is "inline" or "partial-inline" when pprof marks it.`,
  async run(args) {
    const p = parseArgs(args, ['sample-type', 'limit'], ['json']);
    const [file, ...extra] = p.positional;
    if (!file || extra.length) throw new CliError('usage: heaplens top PROFILE [--sample-type T] [--json] [--limit N]');
    const limit = parseLimit(stringFlag(p, 'limit'));
    const { agg, t, marks, source } = await loadAggregates(file, { sampleType: stringFlag(p, 'sample-type'), marks: true });
    const rows = topFunctions(agg, t).slice(0, limit).map((r) => (marks?.has(r.name) ? { ...r, inline: marks.get(r.name) } : r));
    printFunctions(agg, t, rows, p.flags.has('json'), source);
    return 0;
  },
};

export const diffCommand: Command = {
  summary: 'what changed between two profiles (current − base), per function',
  help: `usage: heaplens diff BASE PROFILE [--sample-type T] [--json] [--limit N]

${common}
Values are signed: PROFILE minus BASE. Both profiles need the same sample types.
JSON: {"sampleType","unit","total","functions":[{"name","flat","cum"}]}, sorted by |flat|
descending, then name.`,
  async run(args) {
    const p = parseArgs(args, ['sample-type', 'limit'], ['json']);
    const [baseFile, file, ...extra] = p.positional;
    if (!baseFile || !file || extra.length) throw new CliError('usage: heaplens diff BASE PROFILE [--sample-type T] [--json]');
    const limit = parseLimit(stringFlag(p, 'limit'));
    const typeFlag = stringFlag(p, 'sample-type');
    const current = await diffLoads(baseFile, file, typeFlag);
    const vectors = current.vectors;
    const source = current.source;
    const t = pickType(vectors, typeFlag);
    printFunctions(vectors, t, vectorRows(vectors, t).slice(0, limit), p.flags.has('json'), source);
    return 0;
  },
};

export const linesCommand: Command = {
  summary: 'per source line values of a profile, with the file on disk',
  help: `usage: heaplens lines PROFILE [--sample-type T] [--json] [--dir DIR]

${common}
  --dir DIR         resolve source files against DIR's Go module or workspace
                    (default: the current directory)

--json prints one JSON object per line per source line (JSON Lines, like
heaplens escape --json): {"file","line","function","flat","cum","resolved"}, sorted by
flat, then cum, descending; "resolved" is the path on disk, or null when the file was
not found (unresolved lines are listed, never dropped).`,
  async run(args) {
    const p = parseArgs(args, ['sample-type', 'dir'], ['json']);
    const [file, ...extra] = p.positional;
    if (!file || extra.length) throw new CliError('usage: heaplens lines PROFILE [--sample-type T] [--json]');
    const { agg, t, source } = await loadAggregates(file, { sampleType: stringFlag(p, 'sample-type'), lines: true });
    const ctx = await loadResolveContext(stringFlag(p, 'dir') ?? process.cwd());
    const resolved = resolveFiles(agg, ctx);
    const lines = agg.lines!;
    const { count, line, fn, file: fileOf } = lines;
    const flat = lines.flat[t], cum = lines.cum[t];
    // Half a million lines are common (many locations): indexes into typed arrays,
    // sorted on numbers (files by rank), printed in chunks; no object per line.
    let n = 0;
    const order = new Int32Array(count);
    for (let l = 0; l < count; l++) if (flat[l] !== 0 || cum[l] !== 0) order[n++] = l;
    const fileRank = new Int32Array(agg.files.length);
    Array.from(agg.files.keys()).sort((a, b) => (agg.files[a] < agg.files[b] ? -1 : agg.files[a] > agg.files[b] ? 1 : 0)).forEach((f, r) => { fileRank[f] = r; });
    const rows = order.subarray(0, n).sort((a, b) => flat[b] - flat[a] || cum[b] - cum[a] || fileRank[fileOf[a]] - fileRank[fileOf[b]] || line[a] - line[b]);
    const { type, unit } = agg.sampleTypes[t];
    const fnName = (l: number) => agg.strings[agg.functions.name[fn[l]]];
    const printed = new ChunkedOutput();
    if (p.flags.has('json')) {
      await printed.lines(rows, (l) => JSON.stringify({ file: agg.files[fileOf[l]], line: line[l], function: fnName(l), flat: flat[l], cum: cum[l], resolved: resolved[fileOf[l]] }));
      await printed.end();
      return 0;
    }
    await printed.lines([...sourceLines(source), `Type: ${type}`, `${n} lines, total ${formatValue(agg.totals[t], unit)}`,
      `${'flat'.padStart(10)} ${'cum'.padStart(10)}  location`], (h) => h);
    await printed.lines(rows, (l) => {
      // A frame without a source file (no symbols, Java stubs) is its name alone, as in pprof -lines.
      const file = agg.files[fileOf[l]];
      const where = !file ? '' : `${resolved[fileOf[l]] ?? `${file} (not found)`}${line[l] ? `:${line[l]}` : ''} `;
      return `${formatValue(flat[l], unit).padStart(10)} ${formatValue(cum[l], unit).padStart(10)}  ${where}${fnName(l)}`;
    });
    await printed.end();
    return 0;
  },
};

/**
 * Lines to standard output in ~1 MB writes, so a long listing is never one giant
 * string; when a pipe is full (`| jq`, `| less`), the next write waits for the
 * reader instead of queueing in memory (100 MB of JSON Lines took 490–600 MB of
 * memory through a pipe, 330 MB into a file). A reader that leaves ends the process
 * (EPIPE, main.ts).
 */
class ChunkedOutput {
  private parts: string[] = [];
  private size = 0;
  /** Each item's line; waits only when a pipe is full (no promise per line: half a million lines are common). */
  async lines<T>(items: Iterable<T>, format: (item: T) => string): Promise<void> {
    for (const item of items) {
      const s = format(item);
      this.parts.push(s);
      this.size += s.length + 1;
      if (this.size >= 1 << 20) { const full = this.flush(); if (full) await full; }
    }
  }
  async end(): Promise<void> { await this.flush(); }
  /** Undefined, or a promise resolved when the reader has taken what was written. */
  private flush(): Promise<void> | undefined {
    if (!this.parts.length) return undefined;
    const written = process.stdout.write(this.parts.join('\n') + '\n');
    this.parts = [];
    this.size = 0;
    return written ? undefined : new Promise((drained) => process.stdout.once('drain', drained));
  }
}

/**
 * Both profiles of a diff, reduced to per-function vectors of the sample type the
 * current one picks: the base read on a second thread meanwhile when it is a file
 * (diffThread.ts), else after the current one, one profile alive at a time.
 */
async function diffLoads(baseFile: string, file: string, typeFlag: string | undefined): Promise<{ vectors: FunctionVectors; source?: ProfileSource }> {
  const thread = worthAThread(baseFile, file) ? startBaseThread(baseFile) : undefined;
  try {
    let source: ProfileSource | undefined;
    const vectors = await diffFunctions(async () => {
      const current = await loadAggregates(file, { sampleType: typeFlag, onType: (t) => thread?.setType(t) });
      source = current.source;
      return current.agg;
    }, async (cur) => {
      if (thread) return thread.vectors().catch((e: Error) => Promise.reject(new CliError(e.message)));
      return functionVectors((await loadAggregates(baseFile, { typeIndex: pickType(cur, typeFlag) })).agg);
    }, thread ? undefined : collectGarbage);
    return { vectors, source };
  } finally {
    thread?.stop();
  }
}

/**
 * Two files of a few MB each: a thread costs a second start of the CLI (~0.1 s) and
 * a second profile in memory at once (a million deep samples ~75 MB more). Smaller
 * bases are read sooner in turn; bigger pairs would pass 300 MB together.
 */
function worthAThread(baseFile: string, file: string): boolean {
  const size = (f: string) => {
    try {
      return f === '-' || isProfileUrl(f) ? NaN : fs.statSync(f).size;
    } catch {
      return NaN;
    }
  };
  const base = size(baseFile), both = base + size(file);
  return base >= THREAD_MIN_BYTES && both <= THREAD_MAX_BYTES;
}

const THREAD_MIN_BYTES = 1 << 20;
const THREAD_MAX_BYTES = 16 << 20;

/** A diff base's thread (diffThread.ts): its vectors for the type the main thread sends. */
export function serveDiffBase(file: string): void {
  serveBaseThread(file, async (f, type) => functionVectors((await loadAggregates(f, { typeIndex: type })).agg));
}

/**
 * A full collection, so the base profile's typed arrays (200+ MB for a million deep
 * samples) are returned before the current one is decoded: V8 left them for later
 * and the diff's peak was both profiles. Best effort: a no-op if gc cannot be had.
 */
function collectGarbage(): void {
  try {
    v8.setFlagsFromString('--expose-gc');
    (vm.runInNewContext('gc') as () => void)();
  } catch {
    // Only the peak memory suffers.
  }
}

/** Larger profile files are refused before reading (the language server's limit too). */
const MAX_INPUT_BYTES = MAX_PROFILE_FILE_BYTES;

interface Loaded { agg: FlatCumAggregates; t: number; marks?: Map<string, InlineMark>; source?: ProfileSource }

interface LoadOptions {
  sampleType?: string;
  /** The type by index instead (a diff's base: the current profile's choice), possibly still to come. */
  typeIndex?: number | Promise<number>;
  /** Told the type as soon as it is known, before the pass. */
  onType?: (t: number) => void;
  lines?: boolean;
  marks?: boolean;
}

/**
 * A profile's per-function (and per-line) aggregates for sample type `sampleType`,
 * or the type at `typeIndex` (the sample types of a diff are compared afterwards),
 * only that one's flat and cum:
 * read straight from the samples' bytes when it is a plain pprof protobuf
 * (directAggregate.ts), else decoded and aggregated, which is also what says
 * what is wrong with a file the direct reading turned down.
 */
async function loadAggregates(file: string, opts: LoadOptions = {}): Promise<Loaded> {
  const bytes = await readInput(file);
  const tables = openTables(bytes, { origin: file });
  if (tables) {
    const T = tables.profile.sampleTypes.length;
    const t = (await opts.typeIndex) ?? pickType(tables.profile, opts.sampleType);
    opts.onType?.(t);
    const one = t < T ? t : undefined;
    const direct = directAggregates(tables, { lines: opts.lines, type: one, marksFor: opts.marks ? t : undefined });
    if (direct) return { agg: direct.agg, t, marks: direct.marks, source: tables.profile.source };
  }
  let profile: Profile;
  try {
    profile = openProfile(bytes, { origin: file });
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
  const agg = aggregate(profile);
  const t = (await opts.typeIndex) ?? pickType(agg, opts.sampleType);
  opts.onType?.(t);
  return { agg, t, marks: opts.marks ? inlineMarks(profile, t) : undefined, source: profile.source };
}

async function readInput(file: string): Promise<Uint8Array> {
  let bytes: Uint8Array;
  if (isProfileUrl(file)) {
    bytes = await captureProfile(file, { onNote: (n) => process.stderr.write(`heaplens: ${n}\n`) });
  } else if (file === '-') {
    bytes = await readStdin(MAX_INPUT_BYTES);
  } else {
    try {
      // Regular files only: /dev/zero would read forever, a FIFO would block forever.
      bytes = readRegularFileSync(file, MAX_INPUT_BYTES);
    } catch (e) {
      throw new CliError(e instanceof FileReadError ? e.message : `${file}: cannot read (${String(e)})`);
    }
  }
  return bytes;
}

function readStdin(maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    process.stdin.on('data', (d: Buffer) => {
      size += d.length;
      if (size > maxBytes) {
        process.stdin.destroy();
        reject(new CliError(`standard input: more than ${Math.round(maxBytes / 1048576)} MB; refusing`));
        return;
      }
      chunks.push(d);
    });
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', (e) => reject(new CliError(`standard input: cannot read (${e.message})`)));
  });
}

function pickType(agg: { sampleTypes: Aggregates['sampleTypes']; defaultSampleType: number }, name: string | undefined): number {
  return name === undefined ? agg.defaultSampleType : sampleTypeIndex(agg, name);
}

function parseLimit(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--limit needs a non-negative integer, not '${s}'`);
  return n;
}

/** What the reader should know before the numbers: the input's format when not protobuf, deltas, missing symbols. */
function sourceLines(source: ProfileSource | undefined): string[] {
  if (!source) return [];
  const out = source.legacy ? [`Format: ${source.format}`] : [];
  for (const n of source.notes) out.push(`Note: ${n}`);
  return out;
}

function printFunctions(agg: Pick<Aggregates, 'sampleTypes' | 'totals' | 'isDiff' | 'period' | 'periodType'>, t: number, rows: (FunctionRow & { inline?: InlineMark })[], json: boolean, source?: ProfileSource): void {
  const { type, unit } = agg.sampleTypes[t];
  const total = agg.totals[t];
  if (json) {
    process.stdout.write(JSON.stringify({ sampleType: type, unit, total, functions: rows }) + '\n');
    return;
  }
  const out = [...sourceLines(source), `Type: ${type}${agg.isDiff ? ' (current − base)' : ''}`];
  if (agg.period) out.push(`Period: ${agg.periodType ? `${formatValue(agg.period, agg.periodType.unit)} of ${agg.periodType.type}` : agg.period}`);
  out.push(`Showing ${rows.length} functions, total ${formatValue(total, unit)}`);
  if (agg.isDiff) {
    out.push(`${'flat'.padStart(11)}  ${'cum'.padStart(11)}  function`);
    const signed = (v: number) => (v > 0 ? '+' : '') + formatValue(v, unit);
    for (const r of rows) out.push(`${signed(r.flat).padStart(11)}  ${signed(r.cum).padStart(11)}  ${r.name}`);
  } else {
    out.push(`${'flat'.padStart(10)}  ${'flat%'.padStart(6)}  ${'sum%'.padStart(6)}  ${'cum'.padStart(10)}  ${'cum%'.padStart(6)}  function`);
    let sum = 0;
    for (const r of rows) {
      sum += r.flat;
      out.push(`${formatValue(r.flat, unit).padStart(10)}  ${formatPercent(r.flat, total).padStart(6)}  ${formatPercent(sum, total).padStart(6)}  ${formatValue(r.cum, unit).padStart(10)}  ${formatPercent(r.cum, total).padStart(6)}  ${r.name}${r.inline ? ` (${r.inline})` : ''}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
