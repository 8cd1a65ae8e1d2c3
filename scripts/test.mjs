// Runs every test layer, each to the end even when an earlier one failed, and prints
// one line per layer; a failing layer also prints its failing tests. The full output of
// each step goes to test-artifacts/logs/<step>.log. Ends with "N passed, N failed".
//   node scripts/test.mjs                 all layers
//   node scripts/test.mjs unit lsp        only those layers
//   node scripts/test.mjs --verbose       pass every step's output through as well
// Layers: unit (pure parsers and models), lsp (real server over stdio),
// browser (webview page in headless Chromium), vscode (the integration suite inside
// a real VS Code), ui (driving that VS Code in Chromium); vscode-newest and ui-newest
// run the vscode layer and the main ui file again in the newest VS Code.
// Every child runs with TMPDIR set to one folder of this run, removed at the end:
// tests that forget to clean up leave nothing behind.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

const layers = {
  unit: { dir: 'out/test/unit' },
  lsp: { dir: 'out/test/lsp' },
  browser: { dir: 'out/test/browser', provision: true },
  vscode: { script: 'out/test/vscode/runInCodeServer.js', provision: true },
  // Each ui file drives its own VS Code and Chromium: two at once starve each other on 2 cores.
  ui: { dir: 'out/test/ui', provision: true, concurrency: 1, testTimeoutMs: 900_000 },
  // The same suite in the newest VS Code (1.139.1, code-server 4.139.1 on Node 24).
  'vscode-newest': { script: 'out/test/vscode/runInCodeServer.js', provision: true, newest: true, env: { HEAPLENS_VSCODE: 'newest' } },
  'ui-newest': { dir: 'out/test/ui', provision: true, newest: true, concurrency: 1, testTimeoutMs: 900_000, env: { HEAPLENS_VSCODE: 'newest' }, files: ['workbench.test.js'] },
};
const args = process.argv.slice(2);
const verbose = args.includes('--verbose') || process.env.HEAPLENS_TEST_VERBOSE === '1';
const wanted = args.filter((a) => !a.startsWith('-'));
for (const w of wanted) if (!(w in layers)) { console.error(`unknown layer ${w}; layers: ${Object.keys(layers).join(', ')}`); process.exit(2); }
const selected = wanted.length ? wanted : Object.keys(layers);

const logDir = join('test-artifacts', 'logs');
rmSync(logDir, { recursive: true, force: true });
mkdirSync(logDir, { recursive: true });
const runTmp = mkdtempSync(join(tmpdir(), 'heaplens-testrun-'));
const childEnv = { ...process.env, TMPDIR: runTmp, npm_config_update_notifier: 'false' };
const cleanup = () => rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
process.once('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));

// Say up front what provisioning will do when it has not been done on this machine.
if (selected.some((n) => layers[n].provision)) {
  const cache = process.env.HEAPLENS_CACHE || join(homedir(), '.cache', 'heaplens');
  const todo = [];
  if (!existsSync('/usr/bin/chromium')) todo.push('Chromium from Debian (apt, ~400 MB)');
  if (!existsSync(join(cache, 'code-server-4.100.3', '.heaplens-installed'))) todo.push(`code-server 4.100.3 = VS Code 1.100.3 from npm (~300 MB, into ${cache})`);
  if (selected.some((n) => layers[n].newest) && !existsSync(join(cache, 'code-server-4.139.1', '.heaplens-installed'))) {
    todo.push(`code-server 4.139.1 = VS Code 1.139.1 with a Node 24, both from npm (~400 MB, into ${cache})`);
  }
  if (todo.length) {
    console.log(`First run on this machine: scripts/provision.sh installs ${todo.join(' and ')}.`);
    console.log('It needs root (or sudo) and apt, and takes 2-3 minutes per VS Code on a quiet machine (22 min seen for');
    console.log('code-server 4.139.1 on a busy shared one); later runs skip it.');
  }
}
console.log(`Layers: ${selected.join(', ')}. Full output: ${logDir}/<step>.log${verbose ? '' : ' (--verbose to see it here)'}.`);

// Runs a step with its output going to its log (and the terminal with --verbose),
// counting the tests it reports (node:test's "# pass N" / "# fail N", Mocha's
// "N passing" / "N failing") and keeping node:test's failure reports.
function run(name, cmd, cmdArgs, env = {}) {
  const t0 = Date.now();
  const log = createWriteStream(join(logDir, `${name}.log`));
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...childEnv, ...env } });
    const counts = { pass: 0, fail: 0 };
    const lines = [];
    let tail = '';
    const scan = (chunk) => {
      const text = tail + chunk.toString();
      const ls = text.split('\n');
      tail = ls.pop();
      for (const l of ls) {
        lines.push(l);
        if (lines.length > 200_000) lines.splice(0, 100_000);
        const m = /^# (pass|fail) (\d+)$/.exec(l) ?? /^\s*(\d+) (passing|failing)\b/.exec(l);
        if (!m) continue;
        if (/^\d+$/.test(m[1])) counts[m[2] === 'passing' ? 'pass' : 'fail'] += +m[1];
        else counts[m[1]] += +m[2];
      }
    };
    const onData = (stream) => (d) => { log.write(d); if (verbose) stream.write(d); scan(d); };
    child.stdout.on('data', onData(process.stdout));
    child.stderr.on('data', onData(process.stderr));
    child.once('error', (e) => { lines.push(`${cmd}: ${e.message}`); });
    child.on('close', (code) => {
      scan('\n');
      log.end();
      resolve({ name, code: code ?? 1, seconds: (Date.now() - t0) / 1000, counts, lines });
    });
  });
}

// node:test's TAP: each "not ok" line at any depth, with its indented YAML block up to "...".
function failureReport(lines) {
  const out = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)not ok \d+ - (.*)$/.exec(lines[i]);
    if (!m) continue;
    // A parent whose only failure is a failing subtest adds nothing: its subtests print.
    const end = lines.findIndex((l, j) => j > i && l === `${m[1]}  ...`);
    const block = lines.slice(i, end < 0 ? i + 40 : end + 1);
    if (block.some((l) => /failureType: 'subtestsFailed'/.test(l))) continue;
    out.push(...block.slice(0, 60), ...(block.length > 60 ? [`${m[1]}  … (${block.length - 60} more lines in the log)`] : []));
  }
  return out;
}

function testFiles(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...testFiles(p));
    else if (name.endsWith('.test.js')) out.push(p);
  }
  return out.sort();
}

const results = [];
function report(r) {
  results.push(r);
  const tests = r.counts.pass + r.counts.fail;
  const what = tests ? `${r.counts.pass} passed, ${r.counts.fail} failed` : r.skipped ?? '';
  console.log(`${r.code === 0 ? 'ok    ' : 'FAILED'} ${r.name.padEnd(18)} ${r.seconds.toFixed(1).padStart(6)} s  ${what}`);
  if (r.code === 0) return;
  const failures = failureReport(r.lines);
  // Mocha (the vscode layers) lists its failures after "N failing".
  const mocha = r.lines.findIndex((l) => /^\s*\d+ failing\b/.test(l));
  const shown = failures.length ? failures
    : mocha >= 0 ? r.lines.slice(mocha, mocha + 80).filter((l) => l.trim())
      : r.lines.filter((l) => l.trim()).slice(-40);
  for (const l of shown) console.log(`         ${l}`);
  console.log(`         (full output: ${join(logDir, `${r.name}.log`)})`);
}

const tsc = join('node_modules', 'typescript', 'bin', 'tsc');
report(await run('build', process.execPath, ['scripts/build.mjs']));
report(await run('typecheck', process.execPath, [tsc, '-p', '.']));
if (existsSync('media/src')) report(await run('typecheck-webview', process.execPath, [tsc, '-p', 'media']));
let provision;
let provisionNewest;
const notRun = (name, why) => report({ name, code: 1, seconds: 0, counts: { pass: 0, fail: 0 }, lines: [`not run: ${why}`] });
for (const name of selected) {
  const layer = layers[name];
  if (layer.provision && !provision && existsSync('scripts/provision.sh')) {
    provision = await run('provision', 'bash', ['scripts/provision.sh']);
    report(provision);
  }
  if (layer.newest && !provisionNewest && provision?.code === 0) {
    provisionNewest = await run('provision-newest', 'bash', ['scripts/provision.sh', '--newest']);
    report(provisionNewest);
  }
  if (layer.provision && provision && provision.code !== 0) { notRun(name, 'provisioning failed (above)'); continue; }
  if (layer.newest && provisionNewest && provisionNewest.code !== 0) { notRun(name, 'provisioning the newest VS Code failed (above)'); continue; }
  if (layer.script) {
    if (!existsSync(layer.script)) { notRun(name, `no ${layer.script} (did the build fail?)`); continue; }
    report(await run(name, process.execPath, [layer.script], layer.env));
  } else {
    const files = testFiles(layer.dir).filter((f) => !layer.files || layer.files.some((n) => f.endsWith(n)));
    if (!files.length) { console.log(`(layer ${name}: no tests yet)`); continue; }
    // A test that waits forever (a notification that never comes) fails instead of holding CI.
    const timeout = `--test-timeout=${layer.testTimeoutMs ?? 600_000}`;
    report(await run(name, process.execPath, ['--test', '--test-reporter=tap', timeout, `--test-concurrency=${layer.concurrency ?? 2}`, ...files], layer.env));
  }
}

let pass = 0;
let fail = 0;
for (const r of results) { pass += r.counts.pass; fail += r.counts.fail; }
const failedSteps = results.filter((r) => r.code !== 0);
// A step can fail without a failing test (a build error, a crash): count it as a failure.
const failedWithoutTests = failedSteps.filter((r) => r.counts.fail === 0).length;
if (failedSteps.length) console.log(`\nFailed: ${failedSteps.map((r) => r.name).join(', ')}`);
console.log(`${pass} passed, ${fail + failedWithoutTests} failed`);
process.exitCode = failedSteps.length ? 1 : 0;
