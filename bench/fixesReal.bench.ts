// Quick fixes on real modules from the Go module proxy: every fix the Go helper
// offers at every finding of every package is applied to a fresh copy of the
// module, and `gofmt -l`, `go build ./...`, `go vet` and `go test -short` of the
// package must pass as they did before. Refusals are counted by reason.
// Slow (minutes, needs the module proxy): not part of `npm test`.
//   npm run bench -- fixesReal            all modules
//   HEAPLENS_REAL_MODULES=github.com/google/uuid@v1.6.0 npm run bench -- fixesReal
//   HEAPLENS_REAL_DRY=1 npm run bench -- fixesReal    offers and refusals only, no checks
//   HEAPLENS_REAL_ONLY=lints npm run bench -- fixesReal  only the memory lints' fixes (gohelper/lint*.go)
//   HEAPLENS_REAL_BATCH=1 npm run bench -- fixesReal  a package's fixes on disjoint lines checked together
//     (each alone only when the batch breaks something): minutes instead of hours for chi
// The memory lints run on every package too (non-test files); their fixes are
// checked the same way and counted per fix id.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runEscapeAnalysis } from '../server/src/escape/run';
import { readGoDirective } from '../server/src/escape/module';
import type { Finding } from '../server/src/escape/types';
import { GoHelper } from '../server/src/fixes/goHelper';
import { applyEdits, fixesFor } from '../server/src/fixes/index';
import { printTable } from './table';

const MODULES = (process.env.HEAPLENS_REAL_MODULES?.split(',') ?? [
  'github.com/google/uuid@v1.6.0',
  'github.com/julienschmidt/httprouter@v1.3.0',
  'github.com/gorilla/mux@v1.8.1',
  'github.com/go-chi/chi/v5@v5.1.0',
  'github.com/cespare/xxhash/v2@v2.3.0',
  'github.com/BurntSushi/toml@v1.4.0',
  'github.com/gorilla/websocket@v1.5.3',
]).filter(Boolean);

const FIXABLE = new Set(['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result', 'closure-capture', 'does-not-escape']);
// Long: some packages' tests take ~100 s on a loaded 2-core machine (chi's did), and a timeout is not a verdict on the fix.
const TEST_TIMEOUT = '300s';

function sh(cmd: string, args: string[], cwd: string): { code: number; out: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local' } });
  return { code: r.status ?? -1, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/** The four checks for one package: which pass. */
function checks(root: string, pkgDir: string): Record<string, boolean> {
  const rel = `./${path.relative(root, pkgDir) || '.'}`;
  const files = fs.readdirSync(pkgDir).filter((f) => f.endsWith('.go')).map((f) => path.join(pkgDir, f));
  const fmt = spawnSync('gofmt', ['-l', ...files], { encoding: 'utf8' });
  return {
    gofmt: fmt.status === 0 && !fmt.stdout.trim(),
    build: sh('go', ['build', './...'], root).code === 0,
    vet: sh('go', ['vet', rel], root).code === 0,
    test: sh('go', ['test', '-short', '-count=1', `-timeout=${TEST_TIMEOUT}`, rel], root).code === 0,
  };
}

const ONLY = process.env.HEAPLENS_REAL_ONLY;

interface Row { module: string; pkgs: number; findings: number; lints: number; offered: number; passed: number; failed: string[]; refused: Map<string, number>; errors: string[] }

/** Per fix id: found (lints), offered, passed, failed, refused. */
const byId = new Map<string, { found: number; offered: number; passed: number; failed: number; refused: number }>();
const tally = (id: string) => {
  let t = byId.get(id);
  if (!t) byId.set(id, (t = { found: 0, offered: 0, passed: 0, failed: 0, refused: 0 }));
  return t;
};

async function main(): Promise<void> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-fixes-real-'));
  const helper = new GoHelper();
  const rows: Row[] = [];
  try {
    for (const mod of MODULES) {
      const dl = sh('go', ['mod', 'download', '-json', mod], base);
      const dir = (JSON.parse(dl.out.slice(dl.out.indexOf('{'))) as { Dir?: string }).Dir;
      if (!dir) { console.log(`${mod}: download failed: ${dl.out.slice(0, 300)}`); continue; }
      const root = path.join(base, mod.replace(/[^\w.-]/g, '_'));
      fs.cpSync(dir, root, { recursive: true });
      spawnSync('chmod', ['-R', 'u+w', root]);
      if (sh('go', ['mod', 'download'], root).code !== 0) console.log(`${mod}: go mod download of its requirements failed`);
      const goVersion = readGoDirective(root);
      const list = sh('go', ['list', '-f', '{{.Dir}}', './...'], root);
      const pkgDirs = list.out.split('\n').filter((l) => l.startsWith(root));
      const row: Row = { module: mod, pkgs: pkgDirs.length, findings: 0, lints: 0, offered: 0, passed: 0, failed: [], refused: new Map(), errors: [] };
      rows.push(row);
      for (const pkgDir of pkgDirs) {
        const rel = `./${path.relative(root, pkgDir) || '.'}`;
        const run = ONLY === 'lints' ? undefined : await runEscapeAnalysis({ moduleRoot: root, packages: [rel], tests: true });
        const findings = run ? run.result.findings.filter((f) => FIXABLE.has(f.kind) && path.dirname(f.path) === pkgDir) : [];
        row.findings += findings.length;
        const byFile = new Map<string, Finding[]>();
        for (const f of findings) byFile.set(f.path, [...(byFile.get(f.path) ?? []), f]);
        const offered: { id: string; title: string; file: string; line: number; edits: { path?: string; range: never; newText: string }[] }[] = [];
        const seen = new Set<string>();
        try {
          for (const l of await helper.lint({ dir: pkgDir, goVersion })) {
            row.lints++;
            tally(l.id).found++;
            for (const r of l.refusals) {
              const reason = `${l.id}: ${r.replace(/\(?line \d+\)?|\b\w+\.go:\d+/g, '').replace(/^\S+ (?=is |starts |keeps )/, 'X ').trim()}`;
              row.refused.set(reason, (row.refused.get(reason) ?? 0) + 1);
              tally(l.id).refused++;
            }
            row.errors.push(...(l.errors ?? []));
            for (const fix of l.fixes) offered.push({ id: fix.id, title: fix.title, file: l.path, line: l.range.start.line + 1, edits: fix.edits.map((e) => ({ ...e, path: e.path === l.path ? undefined : e.path })) as never });
          }
        } catch (err) {
          row.errors.push(`lint ${rel}: ${String(err)}`);
        }
        for (const [file, fs_] of byFile) {
          let answers;
          try {
            answers = await fixesFor({ helper, path: file, goVersion, findings: fs_.map((f, i) => ({ key: String(i), finding: f })) });
          } catch (err) {
            row.errors.push(`${path.basename(file)}: ${String(err)}`);
            continue;
          }
          for (const [key, a] of answers) {
            for (const r of a.refusals) {
              const reason = r.replace(/\(?line \d+\)?|\b\w+\.go:\d+/g, '').replace(/\b[\p{L}_][\p{L}\p{N}_.]*\b(?= (is|holds|has|also|changes|starts))/u, 'X').trim();
              row.refused.set(reason, (row.refused.get(reason) ?? 0) + 1);
            }
            row.errors.push(...a.errors);
            for (const fix of a.fixes) {
              const k = JSON.stringify(fix.edits.map((e) => [e.path ?? file, e.range, e.newText]));
              if (seen.has(k)) continue;
              seen.add(k);
              offered.push({ id: fix.id, title: fix.title, file, line: fs_[Number(key)].line, edits: fix.edits as never });
            }
          }
        }
        if (!offered.length) continue;
        // HEAPLENS_REAL_DRY=1: count offers and refusals only (seconds instead of minutes).
        if (process.env.HEAPLENS_REAL_DRY) {
          row.offered += offered.length;
          for (const fix of offered) tally(fix.id).offered++;
          for (const fix of offered) console.log(`offered ${mod} ${path.relative(root, fix.file)}:${fix.line} ${fix.title}`);
          continue;
        }
        const before = checks(root, pkgDir);
        /** Applies fixes to the module copy, checks the package, puts the files back: the checks that broke. */
        const tryFixes = (fixes: typeof offered): string[] => {
          const touched = new Map<string, string>();
          for (const fix of fixes) for (const e of fix.edits) {
            const p = e.path ?? fix.file;
            if (!touched.has(p)) touched.set(p, fs.readFileSync(p, 'utf8'));
          }
          for (const [p, text] of touched) fs.writeFileSync(p, applyEdits(text, fixes.flatMap((fix) => fix.edits.filter((e) => (e.path ?? fix.file) === p))));
          const afterChecks = checks(root, pkgDir);
          for (const [p, text] of touched) fs.writeFileSync(p, text);
          return Object.keys(before).filter((k) => before[k] && !afterChecks[k]);
        };
        // HEAPLENS_REAL_BATCH=1: the fixes of a package whose edits touch disjoint lines are applied
        // together and checked once; only when that batch breaks a check is each one checked alone.
        let single = offered;
        if (process.env.HEAPLENS_REAL_BATCH && offered.length > 1) {
          const taken = new Set<string>();
          const batch: typeof offered = [];
          single = [];
          for (const fix of offered) {
            const lines = fix.edits.flatMap((e) => Array.from({ length: (e.range as { end: { line: number } }).end.line - (e.range as { start: { line: number } }).start.line + 3 }, (_, i) => `${e.path ?? fix.file}:${(e.range as { start: { line: number } }).start.line - 1 + i}`));
            if (lines.some((l) => taken.has(l))) { single.push(fix); continue; }
            for (const l of lines) taken.add(l);
            batch.push(fix);
          }
          const broke = tryFixes(batch);
          if (broke.length) single = offered;
          else {
            for (const fix of batch) {
              row.offered++; row.passed++;
              tally(fix.id).offered++; tally(fix.id).passed++;
              console.log(`ok   ${mod} ${path.relative(root, fix.file)}:${fix.line} ${fix.title} (in a batch of ${batch.length})`);
            }
          }
        }
        for (const fix of single) {
          row.offered++;
          tally(fix.id).offered++;
          const broke = tryFixes([fix]);
          if (broke.length) row.failed.push(`${path.relative(root, fix.file)}:${fix.line} ${fix.title}: ${broke.join(', ')} failed`);
          else { row.passed++; tally(fix.id).passed++; }
          if (broke.length) tally(fix.id).failed++;
          console.log(`${broke.length ? 'FAIL' : 'ok  '} ${mod} ${path.relative(root, fix.file)}:${fix.line} ${fix.title}${broke.length ? ` (${broke.join(', ')})` : ''}`);
        }
      }
    }
  } finally {
    helper.dispose();
    fs.rmSync(base, { recursive: true, force: true });
  }
  console.log('');
  printTable(['module', 'packages', 'findings', 'lints', 'fixes offered', 'passed', 'failed', 'refused'],
    rows.map((r) => [r.module, String(r.pkgs), String(r.findings), String(r.lints), String(r.offered), String(r.passed), String(r.failed.length), String([...r.refused.values()].reduce((a, b) => a + b, 0))]));
  console.log('\nBy fix (lints: found; refusals of the escape fixes are counted per finding in the table below):\n');
  printTable(['fix', 'lints found', 'offered', 'passed', 'failed', 'lint refusals'],
    [...byId].sort((a, b) => a[0].localeCompare(b[0])).map(([id, t]) => [id, String(t.found), String(t.offered), String(t.passed), String(t.failed), String(t.refused)]));
  const reasons = new Map<string, number>();
  for (const r of rows) for (const [k, v] of r.refused) reasons.set(k, (reasons.get(k) ?? 0) + v);
  console.log('\nRefusals by reason (all modules):\n');
  printTable(['count', 'reason'], [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => [String(v), k]));
  const failed = rows.flatMap((r) => r.failed.map((f) => `${r.module} ${f}`));
  if (failed.length) console.log(`\nFailed:\n${failed.join('\n')}`);
  const errors = rows.flatMap((r) => r.errors.map((e) => `${r.module} ${e}`));
  if (errors.length) console.log(`\nHelper errors (HeapLens bugs):\n${errors.slice(0, 20).join('\n')}`);
  process.exitCode = failed.length ? 1 : 0;
}

main().catch((err) => { console.error(err); process.exit(1); });
