// `heaplens top | lines | diff`: heap profiles from the command line. Values equal
// `go tool pprof -top -nodecount=1000000 -nodefraction=0 -sample_index=T`.
import * as fs from 'node:fs';
import { aggregate } from '../profile/aggregate';
import { captureProfile, isProfileUrl } from '../profile/capture';
import { decodeProfile } from '../profile/decode';
import { diffProfiles } from '../profile/diff';
import { formatPercent, formatValue } from '../profile/format';
import { loadResolveContext } from '../profile/goEnv';
import type { Aggregates, Profile } from '../profile/model';
import { sampleTypeIndex, topFunctions, type FunctionRow } from '../profile/query';
import { resolveFiles } from '../profile/sourcePaths';
import { CliError, type Command, parseArgs, stringFlag } from './command';

const common = `PROFILE is a pprof file (gzip-compressed or raw protobuf), or an http(s) URL of a
Go program's /debug/pprof/heap or /debug/pprof/allocs?seconds=N endpoint.

  --sample-type T   alloc_objects, alloc_space, inuse_objects, inuse_space, … (default:
                    the profile's default_sample_type, else its last type, as pprof)
  --json            machine-readable output (below)

Exit codes: 0 ok, 2 unreadable input or usage error (one line on standard error).`;

export const topCommand: Command = {
  summary: 'heaviest functions of a heap (or any pprof) profile, like pprof -top',
  help: `usage: heaplens top PROFILE [--sample-type T] [--json] [--limit N]

${common}
  --limit N         show only the first N functions

JSON: {"sampleType","unit","total","functions":[{"name","flat","cum"}]}, sorted by flat
descending, then name.`,
  async run(args) {
    const p = parseArgs(args, ['sample-type', 'limit'], ['json']);
    const [file, ...extra] = p.positional;
    if (!file || extra.length) throw new CliError('usage: heaplens top PROFILE [--sample-type T] [--json] [--limit N]');
    const limit = parseLimit(stringFlag(p, 'limit'));
    const agg = aggregate(await load(file));
    const t = pickType(agg, stringFlag(p, 'sample-type'));
    printFunctions(agg, t, topFunctions(agg, t).slice(0, limit), p.flags.has('json'));
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
    const [base, current] = await Promise.all([load(baseFile), load(file)]);
    const agg = diffProfiles(base, current);
    const t = pickType(agg, stringFlag(p, 'sample-type'));
    printFunctions(agg, t, topFunctions(agg, t).slice(0, limit), p.flags.has('json'));
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
    const agg = aggregate(await load(file));
    const t = pickType(agg, stringFlag(p, 'sample-type'));
    const ctx = await loadResolveContext(stringFlag(p, 'dir') ?? process.cwd());
    const resolved = resolveFiles(agg, ctx);
    const { count, flat, cum, line, fn, file: fileOf } = agg.lines;
    const rows = [];
    for (let l = 0; l < count; l++) {
      if (flat[t][l] === 0 && cum[t][l] === 0) continue;
      rows.push({
        file: agg.files[fileOf[l]], line: line[l], function: agg.strings[agg.functions.name[fn[l]]],
        flat: flat[t][l], cum: cum[t][l], resolved: resolved[fileOf[l]],
      });
    }
    rows.sort((a, b) => b.flat - a.flat || b.cum - a.cum || (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
    const { type, unit } = agg.sampleTypes[t];
    if (p.flags.has('json')) {
      process.stdout.write(rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
      return 0;
    }
    const out = [`Type: ${type}`, `${rows.length} lines, total ${formatValue(agg.totals[t], unit)}`,
      `${'flat'.padStart(10)} ${'cum'.padStart(10)}  location`];
    for (const r of rows) {
      const where = r.resolved ?? `${r.file} (not found)`;
      out.push(`${formatValue(r.flat, unit).padStart(10)} ${formatValue(r.cum, unit).padStart(10)}  ${where}:${r.line} ${r.function}`);
    }
    process.stdout.write(out.join('\n') + '\n');
    return 0;
  },
};

async function load(file: string): Promise<Profile> {
  let bytes: Uint8Array;
  if (isProfileUrl(file)) {
    bytes = await captureProfile(file, { onNote: (n) => process.stderr.write(`heaplens: ${n}\n`) });
  } else {
    try {
      bytes = fs.readFileSync(file === '-' ? 0 : file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new CliError(code === 'ENOENT' ? `${file}: no such file` : code === 'EISDIR' ? `${file}: is a directory` : `${file}: cannot read (${code ?? String(e)})`);
    }
  }
  try {
    return decodeProfile(bytes);
  } catch (e) {
    throw new CliError(`${file}: ${(e as Error).message}`);
  }
}

function pickType(agg: Aggregates, name: string | undefined): number {
  return name === undefined ? agg.defaultSampleType : sampleTypeIndex(agg, name);
}

function parseLimit(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < 0) throw new CliError(`--limit needs a non-negative integer, not '${s}'`);
  return n;
}

function printFunctions(agg: Aggregates, t: number, rows: FunctionRow[], json: boolean): void {
  const { type, unit } = agg.sampleTypes[t];
  const total = agg.totals[t];
  if (json) {
    process.stdout.write(JSON.stringify({ sampleType: type, unit, total, functions: rows }) + '\n');
    return;
  }
  const out = [`Type: ${type}${agg.isDiff ? ' (current − base)' : ''}`];
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
      out.push(`${formatValue(r.flat, unit).padStart(10)}  ${formatPercent(r.flat, total).padStart(6)}  ${formatPercent(sum, total).padStart(6)}  ${formatValue(r.cum, unit).padStart(10)}  ${formatPercent(r.cum, total).padStart(6)}  ${r.name}`);
    }
  }
  process.stdout.write(out.join('\n') + '\n');
}
