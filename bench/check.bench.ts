// `heaplens check --base <previous tag>` on a real module from the Go module proxy
// (golang.org/x/net, ~700 Go files), against one bare `go build -gcflags=-m=2 ./...`.
// The two versions come from `go mod download` and become two commits of a git repo.
// Target: the check (two analyses, a temporary worktree, matching) within 2× the bare build.
// Both start from the same build cache holding the standard library and the dependencies
// (as a CI cache restored by actions/setup-go would), built by plain `go build ./...` for
// the bare command and by `go build -trimpath ./...` for the check (it builds with
// -trimpath); the module's own packages are compiled with -m=2 by each command itself.
//   npm run bench -- check
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, printTable } from './table';

const MODULE = 'golang.org/x/net';
const BASE = 'v0.61.0';
const HEAD = 'v0.62.0';
const WARM_ROUNDS = 3;
const cli = path.resolve(__dirname, '..', '..', 'server', 'out', 'cli.js');

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): { ms: number; code: number; stdout: string; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 30 });
  return { ms: performance.now() - t0, code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function must(cmd: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): string {
  const r = run(cmd, args, cwd, env);
  if (r.code !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr.slice(0, 2000)}`);
  return r.stdout;
}

/** A git repo whose two commits are the module at BASE and at HEAD (tagged). */
function makeRepo(work: string): string {
  const dl = JSON.parse(`[${must('go', ['mod', 'download', '-json', `${MODULE}@${BASE}`, `${MODULE}@${HEAD}`], work).replace(/}\s*{/g, '},{')}]`) as { Version: string; Dir: string }[];
  const dirOf = (v: string) => dl.find((d) => d.Version === v)!.Dir;
  const repo = path.join(work, 'repo');
  fs.mkdirSync(repo);
  must('git', ['init', '-q', '-b', 'main'], repo);
  const commitVersion = (v: string) => {
    for (const e of fs.readdirSync(repo)) if (e !== '.git') fs.rmSync(path.join(repo, e), { recursive: true, force: true });
    fs.cpSync(dirOf(v), repo, { recursive: true });
    must('chmod', ['-R', 'u+w', '.'], repo);
    must('git', ['add', '-A'], repo);
    must('git', ['-c', 'user.email=bench@example.com', '-c', 'user.name=bench', 'commit', '-q', '-m', v], repo);
    must('git', ['tag', v], repo);
  };
  commitVersion(BASE);
  commitVersion(HEAD);
  return repo;
}

function main(): void {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-checkbench-'));
  try {
    const repo = makeRepo(work);
    const files = must('git', ['ls-files', '*.go'], repo).trim().split('\n').length;

    const bareArgs = ['build', '-o', os.devNull, '-gcflags=-m=2', './...'];
    const checkArgs = [cli, 'check', '--base', BASE, '--format', 'json'];
    const cache = fs.mkdtempSync(path.join(work, 'gocache-'));
    const env = { ...process.env, GOCACHE: cache, GOFLAGS: '-buildvcs=false' };
    // Dependencies and the standard library, in both modes, at both versions: not timed.
    console.error('preparing the build cache (dependencies, standard library)…');
    for (const rev of [BASE, 'main']) {
      must('git', ['checkout', '-q', rev], repo);
      must('go', ['build', '-o', os.devNull, './...'], repo, env);
      must('go', ['build', '-o', os.devNull, '-trimpath', './...'], repo, env);
    }
    must('git', ['checkout', '-q', 'main'], repo);

    // First runs: the module's packages really compile (-m=2 is not in the cache yet).
    const bare = run('go', bareArgs, repo, env);
    if (bare.code !== 0) throw new Error(bare.stderr.slice(0, 2000));
    const check = run(process.execPath, checkArgs, repo, env);
    if (check.code !== 0 && check.code !== 1) throw new Error(check.stderr);

    // Warm: everything replayed from the cache.
    const bareWarm: number[] = [];
    const checkWarm: number[] = [];
    for (let i = 0; i < WARM_ROUNDS; i++) {
      bareWarm.push(run('go', bareArgs, repo, env).ms);
      checkWarm.push(run(process.execPath, checkArgs, repo, env).ms);
    }
    const report = JSON.parse(check.stdout) as { problems: { rule: string; file: string; line: number; function: string; message: string }[] };
    const text = run(process.execPath, [cli, 'check', '--base', BASE], repo, env).stdout.trim().split('\n');
    const bw = median(bareWarm);
    const cw = median(checkWarm);
    printTable(['measure', 'value'], [
      ['module', `${MODULE} ${BASE} → ${HEAD} (${files} Go files, git repo of two commits)`],
      ['bare `go build -gcflags=-m=2 ./...`, module compiles', `${(bare.ms / 1000).toFixed(1)} s`],
      [`\`heaplens check --base ${BASE}\`, module compiles`, `${(check.ms / 1000).toFixed(1)} s (ratio ${(check.ms / bare.ms).toFixed(2)}; target ≤ 2)`],
      ['bare, warm cache (median of 3)', `${(bw / 1000).toFixed(2)} s`],
      ['check, warm cache (median of 3)', `${(cw / 1000).toFixed(2)} s (ratio ${(cw / bw).toFixed(2)})`],
      ['result', `exit ${check.code}: ${report.problems.length} problems (${report.problems.filter((p) => p.rule === 'new-heap-allocation').length} new heap allocations)`],
    ]);
    console.log('\nreadable result (first lines and summary of the text report):');
    for (const l of [...text.slice(0, 8), '…', text[text.length - 1]]) console.log(`  ${l}`);
  } finally {
    spawnSync('chmod', ['-R', 'u+w', work]);
    fs.rmSync(work, { recursive: true, force: true });
  }
}

main();
