// What a developer sees by default on real modules, before and after the signal work:
// default diagnostics per 1,000 lines, the largest count in one file, the share that
// are real heap allocations in the module's own code, and a seeded sample to check by hand.
//
//   npx tsc -p . && node out/bench/signal.js [--before REV] [--sample N] [--sample-out DIR] MODULE_DIR…
//
// "Before" is the parser and default settings at git revision REV (default: the merge
// base with main), bundled on the fly; "after" is this tree's parser, classification and
// publishing rules (the functions the language server itself calls). Both read the same
// compiler output: `go test -c -gcflags='-m=2 -d=escapedebug=1' ./...` at the module root,
// the way the server analyses a package with one of its test files open.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeFinding } from '../server/src/escape/describe';
import { runEscapeAnalysis } from '../server/src/escape/run';
import { classifyFinding, isAllocation, isOwnSourceFile } from '../server/src/escape/signal';
import type { Finding, ParseResult } from '../server/src/escape/types';
import { diagnosticMessage, diagnosticSeverity } from '../server/src/lsp/diagnostics';
import { exactRangesProvider } from '../server/src/lsp/exactRanges';
import { expressionRange, lineSource, rangeText } from '../server/src/lsp/placement';
import { defaultKinds, heaplensDefaults } from '../server/src/lsp/settings';

const repo = path.resolve(__dirname, '..', '..');
const OLD_DEFAULT_KINDS = new Set(['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result']);

type Parse = (text: string, cwd: string, opts: { failed?: boolean }) => ParseResult;

function args() {
  const a = process.argv.slice(2);
  const opt = (name: string) => { const i = a.indexOf(name); if (i < 0) return undefined; const v = a[i + 1]; a.splice(i, 2); return v; };
  const before = opt('--before') ?? spawnSync('git', ['merge-base', 'HEAD', 'main'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
  const sample = +(opt('--sample') ?? 40);
  const sampleOut = opt('--sample-out');
  return { before, sample, sampleOut, modules: a };
}

/** The parser as it was at `rev`, bundled into a temp file with this tree's esbuild. */
function oldParser(rev: string): Parse {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-signal-before-'));
  try {
    for (const f of ['parse.ts', 'types.ts']) {
      const r = spawnSync('git', ['show', `${rev}:server/src/escape/${f}`], { cwd: repo, encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`git show ${rev}: ${r.stderr}`);
      fs.writeFileSync(path.join(dir, f), r.stdout);
    }
    const out = path.join(dir, 'parse.js');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    (require('esbuild') as typeof import('esbuild')).buildSync({ entryPoints: [path.join(dir, 'parse.ts')], bundle: true, platform: 'node', format: 'cjs', outfile: out, logLevel: 'error' });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require(out) as { parseCompilerOutput: Parse }).parseCompilerOutput;
  } finally {
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 0);
  }
}

function goFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) { if (!/^(vendor|testdata|\..*|_.*)$/.test(e.name)) walk(path.join(d, e.name)); }
      else if (e.name.endsWith('.go')) out.push(path.join(d, e.name));
    }
  };
  walk(root);
  return out;
}

/** Seeded shuffle (mulberry32), so the sample is the same on every machine. */
function sampleOf<T>(xs: T[], n: number, seed: number): T[] {
  let s = seed >>> 0;
  const rnd = () => { s = (s + 0x6d2b79f5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
  const a = [...xs];
  for (let i = a.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [a[i], a[j]] = [a[j], a[i]]; }
  return a.slice(0, n);
}

const key = (f: Finding) => `${f.path}:${f.line}:${f.column}:${f.kind}:${f.message}`;
const pct = (a: number, b: number) => (b ? `${((100 * a) / b).toFixed(1)}%` : '—');
const per1k = (n: number, lines: number) => ((1000 * n) / lines).toFixed(1);

async function main(): Promise<void> {
  const { before, sample, sampleOut, modules } = args();
  if (!modules.length) throw new Error('usage: node out/bench/signal.js [--before REV] [--sample N] [--sample-out DIR] MODULE_DIR…');
  const parseBefore = oldParser(before);
  const rows: string[][] = [];
  const underlines: string[][] = [];
  // The server's own Go-parser underlines, waited for here (the server never waits more than 3 s).
  const exact = exactRangesProvider(() => undefined, 300_000);
  for (const mod of modules.map((m) => path.resolve(m))) {
    const name = path.basename(mod);
    const files = goFiles(mod);
    const lines = files.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length, 0);
    const run = await runEscapeAnalysis({ moduleRoot: mod, packages: ['./...'], tests: true });
    if (run.exitCode !== 0) { console.error(`${name}: go exited ${run.exitCode}: ${run.stderr.split('\n').slice(0, 3).join(' | ')}`); continue; }
    const root = mod + path.sep;
    const read = lineSource(() => undefined);

    // Before: the old parser's findings of the old default kinds, in the module's files.
    const old = parseBefore(run.stderr, run.cwd, { failed: false });
    const afterParse = run.result;
    const allocKeys = new Set(afterParse.findings.filter((f) => isAllocation(f) && isOwnSourceFile(f)).map(key));
    const beforePerFile = new Map<string, number>();
    let beforeTotal = 0;
    let beforeReal = 0;
    const seenB = new Set<string>();
    for (const f of old.findings) {
      if (!OLD_DEFAULT_KINDS.has(f.kind) || !f.path.startsWith(root)) continue;
      const k = key(f);
      if (seenB.has(k)) continue;
      seenB.add(k);
      beforeTotal++;
      beforePerFile.set(f.path, (beforePerFile.get(f.path) ?? 0) + 1);
      // Real: an allocation verdict the compiler printed, not boxed statically, in a real file, on a hot path.
      if (allocKeys.has(k) && !classifyFinding(f, read).cold) beforeReal++;
    }

    // After: what the server publishes with default settings.
    const settings = { kinds: defaultKinds, severity: heaplensDefaults.severity, coldAllocations: heaplensDefaults.coldAllocations };
    const afterPerFile = new Map<string, number>();
    let problems = 0;
    let hints = 0;
    let real = 0;
    let notAllocFiles = 0;
    const shown: { f: Finding; cold?: string }[] = [];
    const seenA = new Set<string>();
    for (const f of afterParse.findings) {
      if (!f.path.startsWith(root) || !isOwnSourceFile(f)) continue;
      const k = key(f);
      if (seenA.has(k)) continue;
      seenA.add(k);
      const signal = classifyFinding(f, read);
      const sev = diagnosticSeverity(f, signal, settings);
      if (!sev) continue;
      if (sev === 'hint') { hints++; continue; }
      problems++;
      afterPerFile.set(f.path, (afterPerFile.get(f.path) ?? 0) + 1);
      if (isAllocation(f)) real++;
      shown.push({ f, cold: signal.cold });
    }
    // Files that allocate nothing must have no diagnostics.
    const allocFiles = new Set(afterParse.findings.filter((f) => isAllocation(f)).map((f) => f.path));
    for (const p of afterPerFile.keys()) if (!allocFiles.has(p)) notAllocFiles++;

    // Underlines of one punctuation character (the `(` of a call, the `{` of a literal): the line-reading
    // placement (what the server falls back to) against Go's parser (gohelper/ranges.go).
    const lookup = await exact.ranges(shown.map((s) => s.f), 'go', () => undefined);
    let punctHeuristic = 0, punctExact = 0, exactFound = 0;
    const differ: string[] = [];
    const punct = (f: Finding, r: { start: { line: number; character: number }; end: { line: number; character: number } }) => {
      const t = rangeText((l) => read(f.path, l), r);
      return t !== undefined && t.length === 1 && !/[\p{L}\p{N}_]/u.test(t);
    };
    for (const { f } of shown) {
      const h = expressionRange((l) => read(f.path, l), f.line, f.column, f.subject);
      const x = lookup?.(f);
      if (x) exactFound++;
      if (punct(f, h)) punctHeuristic++;
      if (punct(f, x ?? h)) punctExact++;
      const ht = rangeText((l) => read(f.path, l), h), xt = x && rangeText((l) => read(f.path, l), x);
      if (x && ht !== xt) differ.push(`${path.relative(mod, f.path)}:${f.line}:${f.column}  [${f.subject}]\n   line:   ${(read(f.path, f.line) ?? '').trim()}\n   before: ${ht}\n   after:  ${xt}`);
    }
    if (sampleOut) {
      fs.mkdirSync(sampleOut, { recursive: true });
      fs.writeFileSync(path.join(sampleOut, `${name}-underlines.txt`), differ.join('\n'));
      // Every default diagnostic, one a line, to read what the default still shows.
      fs.writeFileSync(path.join(sampleOut, `${name}-shown.txt`), shown.map(({ f }) => `${path.relative(mod, f.path)}:${f.line}:${f.column}\t${f.kind}\t${f.subject ?? ''}\t| ${(read(f.path, f.line) ?? '').trim()}`).join('\n'));
    }
    underlines.push([name, String(shown.length), pct(punctHeuristic, shown.length), pct(punctExact, shown.length), pct(exactFound, shown.length)]);

    const max = (m: Map<string, number>) => { let best = ['', 0] as [string, number]; for (const e of m) if (e[1] > best[1]) best = e; return `${best[1]} (${path.relative(mod, best[0]) || '—'})`; };
    rows.push([name, String(files.length), String(lines),
      String(beforeTotal), per1k(beforeTotal, lines), max(beforePerFile), pct(beforeReal, beforeTotal),
      String(problems), per1k(problems, lines), max(afterPerFile), pct(real, problems), String(hints), String(notAllocFiles),
      String(afterParse.orphans.length), String(afterParse.findings.filter((f) => f.kind === 'escapes-to-heap' && f.noAlloc).length),
      String(afterParse.findings.filter((f) => f.kind === 'unknown').length)]);

    if (sampleOut) {
      fs.mkdirSync(sampleOut, { recursive: true });
      const picked = sampleOf(shown, sample, 12);
      const out: string[] = [];
      for (const [i, { f }] of picked.entries()) {
        const text = read(f.path, f.line) ?? '';
        const r = expressionRange((l) => read(f.path, l), f.line, f.column, f.subject);
        const underlined = r.start.line === r.end.line ? text.slice(r.start.character, r.end.character) : text.slice(r.start.character) + '…';
        const d = describeFinding(f, rangeText((l) => read(f.path, l), r));
        out.push(`#${i + 1} ${path.relative(mod, f.path)}:${f.line}:${f.column}  [${f.kind}]`,
          `   line:       ${text.trim()}`,
          `   underlined: ${underlined}`,
          `   message:    ${diagnosticMessage(f, d)}`,
          `   compiler:   ${f.message}`,
          ...d.steps.map((s, j) => `   step ${j + 1}:     ${s.text}  @ ${path.relative(mod, s.path)}:${s.line}:${s.column ?? ''}  | ${(read(s.path, s.line) ?? '').trim().slice(0, 100)}`),
          '');
      }
      fs.writeFileSync(path.join(sampleOut, `${name}.txt`), out.join('\n'));
    }
  }
  const head = ['module', 'files', 'lines', 'before', '/1k', 'max/file', 'real', 'after', '/1k', 'max/file', 'real', 'hints', 'no-alloc files w/ diags', 'no-verdict blocks', 'boxed w/o alloc', 'unknown'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]) => r.map((c, i) => (i === 0 || i === 5 || i === 9 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`before = ${before.slice(0, 10)} (default kinds incl. leaking params), after = this tree (default settings); counts are diagnostics in the Problems panel`);
  console.log(fmt(head));
  for (const r of rows) console.log(fmt(r));
  console.log('\nunderlines of one punctuation character among default diagnostics: line reading → Go parser (share placed by the parser)');
  for (const u of underlines) console.log(`${u[0].padEnd(10)} ${u[1].padStart(6)}  ${u[2].padStart(6)} → ${u[3].padStart(6)}  (${u[4]})`);
  exact.dispose();
  console.log(`\n${new Date().toISOString()} · ${os.cpus().length} cores · load ${os.loadavg()[0].toFixed(2)} · node ${process.version}`);
}

main().catch((e: unknown) => { console.error(e instanceof Error ? e.stack : e); process.exit(1); });
