// The bundled examples/leaky service, built from a temp copy and started on a
// random 127.0.0.1 port with its load generator. Both exit when their standard
// input closes (-lifeline), so a crashed test leaves nothing running.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { repoRoot } from './goFixture';

export const leakyExample = path.join(repoRoot, 'examples', 'leaky');

export interface LeakyBuild { dir: string; service: string; loadgen: string }

/**
 * Copies examples/leaky to a temp dir and builds the service and the load generator there;
 * `goexperiment` builds the service with GOEXPERIMENT set (e.g. goroutineleakprofile).
 */
export async function buildLeaky(opts: { goexperiment?: string } = {}): Promise<LeakyBuild> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-leaky-'));
  fs.cpSync(leakyExample, dir, { recursive: true });
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  const run = promisify(execFile);
  await run('go', ['build', '-o', 'leaky-bin', '.'], { cwd: dir, env: opts.goexperiment ? { ...env, GOEXPERIMENT: opts.goexperiment } : env });
  await run('go', ['build', '-o', 'loadgen-bin', './cmd/loadgen'], { cwd: dir, env });
  return { dir, service: path.join(dir, 'leaky-bin'), loadgen: path.join(dir, 'loadgen-bin') };
}

export interface Running { url: string; stop(): void; procs: ChildProcess[] }

/** Starts the service (extra flags as given) and, unless `rps` is 0, the load generator. */
export async function startLeaky(b: LeakyBuild, flags: string[], rps = 20, loadFor = '2m'): Promise<Running> {
  const service = spawn(b.service, ['-addr', '127.0.0.1:0', '-lifeline', ...flags], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(createInterface({ input: service.stdout! }), 'line')) as [string];
  const url = /(http:\/\/127\.0\.0\.1:\d+)\//.exec(line)![1];
  const procs: ChildProcess[] = [service];
  if (rps > 0) procs.push(spawn(b.loadgen, ['-url', url, '-rps', String(rps), '-for', loadFor, '-lifeline'], { stdio: ['pipe', 'ignore', 'ignore'] }));
  return { url, procs, stop: () => { for (const p of procs) { p.stdin?.end(); p.kill(); } } };
}

/** 1-based line numbers of `// leak: NAME` and `// busy: NAME` markers in the example's sources. */
export function markers(dir: string): Map<string, { file: string; line: number }> {
  const out = new Map<string, { file: string; line: number }>();
  for (const f of ['leaks.go', 'report.go']) {
    const file = path.join(dir, f);
    fs.readFileSync(file, 'utf8').split('\n').forEach((text, i) => {
      const m = /\/\/ (leak|busy): (\w+)/.exec(text);
      if (m) out.set(`${m[1]}:${m[2]}`, { file, line: i + 1 });
    });
  }
  return out;
}
