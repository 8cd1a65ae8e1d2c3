// `npm start`: the first run. Builds and packages the extension, shows what the
// engine finds in the bundled example (escape analysis, and the heap profile its
// load generator writes), then opens the example in a real VS Code (code-server
// 1.100.3, installed by scripts/provision.sh) with heaplens-<version>.vsix installed, on
// http://127.0.0.1:PORT, until Ctrl-C.
//
//   npm start                     serve on 8080, or the next free port
//   HEAPLENS_PORT=9000 npm start  serve on 9000 (or the next free one)
//   npm start -- --no-serve       everything, then start code-server, check it
//                                 answers, and stop (CI smoke run)
//   npm start -- --no-package     use the heaplens-<version>.vsix already built
//
// The page opens on the main job: catalog/catalog.go with its heap escapes, and the
// measured costs of heap.pb.gz on its lines (the user setting heaplens.profile loads
// it); heap.pb.gz in the Explorer opens the flamegraph with one click.
// code-server's settings and extensions live in ${HEAPLENS_CACHE:-~/.cache/heaplens}/start
// (HEAPLENS_START_DIR to choose; the UI test uses a temp folder and serves a copy of the
// example there), so nothing touches your own VS Code profile.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bundledExample = join(root, 'examples', 'shop');
// A test run serves a copy, so it never writes into the clone.
const example = process.env.HEAPLENS_START_DIR ? join(resolve(process.env.HEAPLENS_START_DIR), 'shop') : bundledExample;
const noServe = process.argv.includes('--no-serve') || process.env.HEAPLENS_NO_SERVE === '1';
const cache = process.env.HEAPLENS_CACHE || join(homedir(), '.cache', 'heaplens');
const state = process.env.HEAPLENS_START_DIR ? resolve(process.env.HEAPLENS_START_DIR) : join(cache, 'start');
const noPackage = process.argv.includes('--no-package');
const codeServer = join(cache, 'code-server-4.100.3', 'node_modules', 'code-server', 'out', 'node', 'entry.js');

const say = (s) => console.log(`\n\x1b[1m▸ ${s}\x1b[0m`);
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  return r.status ?? 1;
}
function must(what, cmd, args, opts) {
  const code = run(cmd, args, opts);
  if (code !== 0) throw new Error(`${what} failed (exit ${code})`);
}

async function freePort(from) {
  const free = (port) => new Promise((res) => {
    const s = createServer();
    s.once('error', () => res(false));
    s.listen(port, '127.0.0.1', () => s.close(() => res(true)));
  });
  for (let p = from; p < from + 100; p++) if (await free(p)) return p;
  throw new Error(`no free port in ${from}..${from + 99}`);
}

const healthz = (port) => new Promise((res) => {
  const req = get({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (r) => { r.resume(); res(r.statusCode === 200); });
  req.once('error', () => res(false));
  req.once('timeout', () => { req.destroy(); res(false); });
});

async function main() {
  const t0 = Date.now();
  if (example !== bundledExample) cpSync(bundledExample, example, { recursive: true, filter: (p) => !/\.(pb\.gz|test)$/.test(p) });
  if (!noPackage) {
    say('Building and packaging the extension (npm run package)');
    must('packaging', 'npm', ['run', '--silent', 'package']);
  }

  say('Escape analysis of the bundled example: heaplens escape --dir examples/shop ./...');
  // Exit 1 means "does not compile": still a report, but the example must compile.
  must('heaplens escape', process.execPath, ['server/out/cli.js', 'escape', '--dir', example, './...']);

  say('Its heap profile: go run ./cmd/loadgen -o heap.pb.gz, then heaplens top');
  must('go run ./cmd/loadgen', 'go', ['run', './cmd/loadgen', '-o', 'heap.pb.gz'], { cwd: example });
  must('heaplens top', process.execPath, ['server/out/cli.js', 'top', '--limit', '10', join(example, 'heap.pb.gz')]);

  say('A real VS Code (code-server 4.100.3 = VS Code 1.100.3): bash scripts/provision.sh');
  must('provisioning', 'bash', ['scripts/provision.sh']);
  if (!existsSync(codeServer)) throw new Error(`provision.sh did not install ${codeServer}`);

  const dirs = {
    userData: join(state, 'user-data'), extensions: join(state, 'extensions'),
    xdgConfig: join(state, 'xdg-config'), xdgData: join(state, 'xdg-data'), tmp: join(state, 'tmp'),
  };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  // Ours on top of whatever the user changed since the last run.
  const settings = join(dirs.userData, 'User', 'settings.json');
  mkdirSync(dirname(settings), { recursive: true });
  let previous = {};
  try { previous = JSON.parse(readFileSync(settings, 'utf8')); } catch { /* first run, or not plain JSON */ }
  writeFileSync(settings, JSON.stringify({
    ...previous,
    'workbench.startupEditor': 'none', 'git.openRepositoryInParentFolders': 'never', 'telemetry.telemetryLevel': 'off',
    'workbench.tips.enabled': false, 'extensions.ignoreRecommendations': true,
    'heaplens.profile': 'heap.pb.gz',
  }, null, 2));
  const env = { ...process.env, XDG_CONFIG_HOME: dirs.xdgConfig, XDG_DATA_HOME: dirs.xdgData, TMPDIR: dirs.tmp };
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_')) delete env[k];
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const vsix = `heaplens-${version}.vsix`;
  say(`Installing ${vsix} into it`);
  must('installing the extension', process.execPath, [codeServer, ...common, '--force', '--install-extension', join(root, vsix)], { env });

  const port = await freePort(Number(process.env.HEAPLENS_PORT) || 8080);
  const child = spawn(process.execPath, [codeServer, ...common,
    '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    example], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout.on('data', (b) => { log += b; });
  child.stderr.on('data', (b) => { log += b; });
  const exited = new Promise((res) => child.once('exit', (code, signal) => res(code ?? signal)));
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
    const t = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 3000);
    await exited;
    clearTimeout(t);
  };
  process.on('SIGINT', () => void stop().then(() => process.exit(0)));
  process.on('SIGTERM', () => void stop().then(() => process.exit(0)));

  const deadline = Date.now() + 60_000;
  let up = false;
  while (!up && Date.now() < deadline && child.exitCode === null) {
    up = await healthz(port);
    if (!up) await new Promise((r) => setTimeout(r, 250));
  }
  if (!up) {
    await stop();
    throw new Error(`code-server did not start on 127.0.0.1:${port}:\n${log.slice(-3000)}`);
  }
  // VS Code's web workbench opens the file its URL's payload names (openFile), at the
  // line gotoLineMode reads from its end: the IDs append, so the hottest functions show.
  const catalogPath = join(example, 'catalog', 'catalog.go');
  const line = readFileSync(catalogPath, 'utf8').split('\n').findIndex((l) => l.includes('ids = append(ids, p.ID)')) + 1;
  const catalog = `vscode-remote://127.0.0.1:${port}${catalogPath}${line > 0 ? `:${line}` : ''}`;
  const payload = JSON.stringify([['openFile', catalog], ['gotoLineMode', 'true']]);
  const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(example)}&payload=${encodeURIComponent(payload)}`;
  console.log(`\nHeapLens is running in VS Code 1.100.3. Open\n\n    ${url}\n`);
  console.log('It opens catalog/catalog.go: heap escapes are underlined (hover one for the why), and the');
  console.log('measured cost of each allocating line from heap.pb.gz is at its end (heaplens.profile loads it).');
  console.log('Click heap.pb.gz in the Explorer for the flamegraph. Ready in', ((Date.now() - t0) / 1000).toFixed(1), 's.');
  if (noServe) {
    await stop();
    console.log('--no-serve: code-server answered /healthz and was stopped.');
    return;
  }
  console.log('Press Ctrl-C to stop.');
  const how = await exited;
  if (!stopping) throw new Error(`code-server exited (${how}):\n${log.slice(-3000)}`);
}

main().catch((e) => {
  console.error(`\nnpm start: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
