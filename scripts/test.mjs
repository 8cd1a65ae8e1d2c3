// Runs every test layer in order and prints the time each took.
//   node scripts/test.mjs                 all layers
//   node scripts/test.mjs unit lsp        only those layers
// Layers: unit (pure parsers and models), lsp (real server over stdio),
// browser (webview page in headless Chromium), vscode (the integration suite inside
// a real VS Code), ui (driving that VS Code in Chromium).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const layers = {
  unit: { dir: 'out/test/unit' },
  lsp: { dir: 'out/test/lsp' },
  browser: { dir: 'out/test/browser', provision: true },
  vscode: { script: 'out/test/vscode/runInCodeServer.js', provision: true },
  // Each ui file drives its own VS Code and Chromium: two at once starve each other on 2 cores.
  ui: { dir: 'out/test/ui', provision: true, concurrency: 1 },
};
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) if (!(w in layers)) { console.error(`unknown layer ${w}; layers: ${Object.keys(layers).join(', ')}`); process.exit(2); }
const selected = wanted.length ? wanted : Object.keys(layers);

// Runs a command with its output passed through, counting the tests it reports
// (node:test's "# pass N" / "# fail N", Mocha's "N passing" / "N failing").
function run(cmd, args) {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['inherit', 'pipe', 'pipe'] });
    const counts = { pass: 0, fail: 0 };
    let tail = '';
    const scan = (chunk) => {
      const text = tail + chunk.toString();
      const lines = text.split('\n');
      tail = lines.pop();
      for (const l of lines) {
        let m = /^# (pass|fail) (\d+)$/.exec(l) ?? /^\s*(\d+) (passing|failing)\b/.exec(l);
        if (!m) continue;
        if (/^\d+$/.test(m[1])) counts[m[2] === 'passing' ? 'pass' : 'fail'] += +m[1];
        else counts[m[1]] += +m[2];
      }
    };
    child.stdout.on('data', (d) => { process.stdout.write(d); scan(d); });
    child.stderr.on('data', (d) => { process.stderr.write(d); scan(d); });
    child.on('close', (code) => { scan('\n'); resolve({ code: code ?? 1, seconds: (Date.now() - t0) / 1000, counts }); });
  });
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

const timings = [];
const step = (name, r) => { timings.push([name, r]); if (r.code !== 0) finish(); };
function finish() {
  console.log('\nlayer               seconds  tests  result');
  let pass = 0;
  let fail = 0;
  for (const [name, r] of timings) {
    pass += r.counts.pass;
    fail += r.counts.fail;
    const tests = r.counts.pass + r.counts.fail ? String(r.counts.pass + r.counts.fail) : '-';
    console.log(`${name.padEnd(18)} ${r.seconds.toFixed(1).padStart(8)} ${tests.padStart(6)}  ${r.code === 0 ? 'ok' : 'FAILED'}`);
  }
  const failedSteps = timings.filter(([, r]) => r.code !== 0).length;
  // A step can fail without a failing test (a build error): count it as a failure.
  console.log(`${pass} passed, ${Math.max(fail, failedSteps)} failed`);
  process.exit(failedSteps ? 1 : 0);
}

step('build', await run('node', ['scripts/build.mjs']));
step('typecheck', await run('npx', ['tsc', '-p', '.']));
if (existsSync('media/src')) step('typecheck-webview', await run('npx', ['tsc', '-p', 'media']));
let provisioned = false;
for (const name of selected) {
  const layer = layers[name];
  if (layer.provision && !provisioned && existsSync('scripts/provision.sh')) {
    step('provision', await run('bash', ['scripts/provision.sh']));
    provisioned = true;
  }
  if (layer.script) {
    if (!existsSync(layer.script)) { console.log(`(layer ${name}: no ${layer.script} yet)`); continue; }
    step(name, await run('node', [layer.script]));
  } else {
    const files = testFiles(layer.dir);
    if (!files.length) { console.log(`(layer ${name}: no tests yet)`); continue; }
    step(name, await run('node', ['--test', `--test-concurrency=${layer.concurrency ?? 2}`, ...files]));
  }
}
finish();
