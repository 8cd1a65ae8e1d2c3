// The quick-fix helper's costs: building it (cold: `go build` into an empty cache
// dir; warm: the cached binary is found) and answering (first request of a
// package runs `go list -export`; warm requests only hash, check and prove).
//   npm run bench -- gohelper
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCompilerOutput } from '../server/src/escape/parse';
import { GoHelper } from '../server/src/fixes/goHelper';
import { copyExample } from '../test/helpers/goFixture';
import { median, percentile, printTable } from './table';

async function main(): Promise<void> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-helper-cache-'));
  const shop = copyExample();
  const dir = path.join(shop, 'catalog');
  const rows: string[][] = [];
  try {
    const cold = new GoHelper({ cacheDir: cache });
    await cold.build();
    rows.push(['build, cold (go build into an empty cache)', cold.lastBuild!.ms.toFixed(0), '']);
    const warm = new GoHelper({ cacheDir: cache });
    await warm.build();
    rows.push(['build, warm (cached binary found)', warm.lastBuild!.ms.toFixed(1), '']);
    cold.dispose();

    const r = spawnSync('go', ['build', '-gcflags=-m=2', '.'], { cwd: dir, encoding: 'utf8' });
    const findings = parseCompilerOutput(r.stderr, dir).findings.filter((f) => /^(moved|escapes|leaking|append|make)/.test(f.message) || f.kind === 'moved-to-heap' || f.kind === 'escapes-to-heap' || f.kind.startsWith('leaking'));
    const req = (fs_: typeof findings) => ({ dir, goVersion: '1.21', findings: fs_.map((f, i) => ({ key: String(i), finding: f })) });
    let t = performance.now();
    await warm.fixes(req(findings));
    rows.push([`first request (go list -export, type-check; ${findings.length} findings)`, (performance.now() - t).toFixed(0), '']);
    const one: number[] = [];
    const all: number[] = [];
    for (let i = 0; i < 30; i++) {
      t = performance.now();
      await warm.fixes(req([findings[i % findings.length]]));
      one.push(performance.now() - t);
      t = performance.now();
      await warm.fixes(req(findings));
      all.push(performance.now() - t);
    }
    rows.push(['warm request, one finding (p50 / p95)', median(one).toFixed(1), percentile(one, 95).toFixed(1)]);
    rows.push([`warm request, all ${findings.length} findings of the file (p50 / p95)`, median(all).toFixed(1), percentile(all, 95).toFixed(1)]);
    // An edit: the package is type-checked again (export data reused).
    const file = path.join(dir, 'catalog.go');
    const text = fs.readFileSync(file, 'utf8');
    const edited: number[] = [];
    for (let i = 0; i < 10; i++) {
      t = performance.now();
      await warm.fixes({ ...req([findings[0]]), overlay: { [file]: `${text}\n// edit ${i}\n` } });
      edited.push(performance.now() - t);
    }
    rows.push(['after an edit (re-check the package), one finding (p50 / p95)', median(edited).toFixed(1), percentile(edited, 95).toFixed(1)]);
    warm.dispose();
  } finally {
    fs.rmSync(cache, { recursive: true, force: true });
    fs.rmSync(shop, { recursive: true, force: true });
  }
  printTable(['what', 'ms (p50)', 'p95'], rows);
}

main().catch((err) => { console.error(err); process.exit(1); });
