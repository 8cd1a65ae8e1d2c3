// Real Go modules written to a temp dir at test time, for tests that run the real `go`.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const created: string[] = [];
process.on('exit', () => {
  for (const d of created) {
    try { fs.rmSync(d, { recursive: true, force: true }); } catch { /* best effort: it is a temp dir */ }
  }
});

/** A fresh temp dir named `prefix`…, removed when the test process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Writes `files` (relative path -> contents) under a fresh temp dir; adds a go.mod unless given. */
export function writeGoModule(files: Record<string, string>, opts: { module?: string; go?: string; dirName?: string } = {}): string {
  const base = tempDir('heaplens-test-');
  const dir = opts.dirName ? path.join(base, opts.dirName) : base;
  const all = { 'go.mod': `module ${opts.module ?? 'example.com/fixture'}\n\ngo ${opts.go ?? '1.21'}\n`, ...files };
  for (const [rel, text] of Object.entries(all)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return dir;
}

/** Runs `go` with args in dir; returns exit code and both streams. */
export function go(dir: string, args: string[], env: NodeJS.ProcessEnv = process.env): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('go', args, { cwd: dir, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The repository root (tests run from out/test/...). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** The bundled example module. */
export const exampleDir = path.join(repoRoot, 'examples', 'shop');

/** Copies the bundled example to a temp dir, so a test may edit it. */
export function copyExample(): string {
  const dir = tempDir('heaplens-shop-');
  fs.cpSync(exampleDir, dir, { recursive: true, filter: (src) => !/\.(pb\.gz|pprof|test)$/.test(src) });
  return dir;
}
