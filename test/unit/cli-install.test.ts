// The CLI's install story as the README tells it: `npm install -g ./heaplens-<version>.tgz`
// (here into a temp prefix) or a copy of the one bundled file, then `heaplens` run from a
// Go project outside the clone, with no node_modules anywhere around it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { exampleDir, repoRoot } from '../helpers/goFixture';

const { version } = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { version: string };
let tmp = '';
let project = '';
// PATH with node and go but nothing of the clone (no node_modules/.bin that npm run adds).
let env: NodeJS.ProcessEnv = {};

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-cli-install-'));
  project = path.join(tmp, 'myproject');
  fs.cpSync(exampleDir, project, { recursive: true, filter: (src) => !/\.(pb\.gz|pprof|test)$/.test(src) });
  const goBin = path.dirname(spawnSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).stdout.trim() + '/bin/go');
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter((d) => !d.startsWith(repoRoot));
  // An empty helper cache: `heaplens check` builds its Go helper from the sources inside the one file.
  env = { ...process.env, PATH: [path.dirname(process.execPath), goBin, ...dirs].join(path.delimiter), npm_config_prefix: undefined, HEAPLENS_HELPER_CACHE: path.join(tmp, 'helper-cache') };
  for (const k of Object.keys(env)) if (k.startsWith('npm_')) delete env[k];
});
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], cwd: string) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('the bundled CLI is one file with a shebang that needs no node_modules', () => {
  const cli = fs.readFileSync(path.join(repoRoot, 'server', 'out', 'cli.js'), 'utf8');
  assert.ok(cli.startsWith('#!/usr/bin/env node\n'), cli.slice(0, 40));
  assert.doesNotMatch(cli, /require\(["'](?:pako|protobufjs|vscode-[a-z-]+)["']\)/, 'a dependency is required at run time instead of bundled');
});

test('npm install -g of the packed .tgz puts a heaplens on PATH that works in a Go project outside the clone', () => {
  const pack = run(process.execPath, [path.join(repoRoot, 'scripts', 'package.mjs'), '--cli-only', '--no-build', '--out', tmp], repoRoot);
  assert.equal(pack.code, 0, pack.err);
  const tgz = path.join(tmp, `heaplens-${version}.tgz`);
  assert.ok(fs.existsSync(tgz), pack.out);

  const prefix = path.join(tmp, 'prefix');
  // --offline: the package has no dependencies, so installing it must not need the registry.
  const install = run('npm', ['install', '-g', '--offline', '--no-audit', '--no-fund', '--prefix', prefix, tgz], tmp);
  assert.equal(install.code, 0, install.err);
  const bin = path.join(prefix, 'bin', 'heaplens');
  assert.ok(fs.existsSync(bin), `no ${bin}`);
  const installed = path.join(prefix, 'lib', 'node_modules', 'heaplens');
  assert.deepEqual(fs.readdirSync(installed).sort(), ['LICENSE', 'README.md', 'heaplens.js', 'package.json']);

  // Run as a user would: the installed command, executed directly (shebang), from the project.
  const help = run(bin, ['--help'], project);
  assert.equal(help.code, 0, help.err);
  assert.match(help.out, /escape/);
  const escape = run(bin, ['escape', './...'], project);
  assert.equal(escape.code, 0, escape.err);
  assert.match(escape.out, /^catalog\/catalog\.go$/m);
  assert.match(escape.out, /s is moved to the heap/);
  assert.match(escape.out, /\d+ heap allocations in \d+ files/);
  checkWorks(bin);
});

/** `heaplens check` reads Go source with its Go helper: function names in the baseline's keys come from it. */
function checkWorks(bin: string): void {
  const baseline = path.join(tmp, 'baseline.json');
  fs.rmSync(baseline, { force: true });
  const check = run(bin, ['check', '--write-baseline', baseline], project);
  assert.equal(check.code, 0, check.err);
  const keys = Object.keys((JSON.parse(fs.readFileSync(baseline, 'utf8')) as { entries: Record<string, number> }).entries);
  assert.ok(keys.some((k) => k.startsWith('new-heap-allocation|catalog|ByName|')), keys.join('\n'));
  assert.ok(fs.readdirSync(path.join(tmp, 'helper-cache')).some((n) => n.startsWith('gohelper-src-')), 'the helper was not built from the embedded sources');
}

test('a copy of the one file runs from anywhere too', () => {
  const bin = path.join(tmp, 'bin', 'heaplens');
  fs.mkdirSync(path.dirname(bin), { recursive: true });
  fs.copyFileSync(path.join(repoRoot, 'server', 'out', 'cli.js'), bin);
  fs.chmodSync(bin, 0o755);
  const r = run(bin, ['escape', '--json', './catalog'], project);
  assert.equal(r.code, 0, r.err);
  const findings = r.out.trim().split('\n').map((l) => JSON.parse(l) as { file: string; message: string });
  assert.ok(findings.some((f) => f.file === 'catalog/catalog.go' && f.message === 'moved to heap: s'), r.out.slice(0, 500));
  checkWorks(bin);
});
