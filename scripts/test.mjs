// Runs every test layer in order and prints the time each took.
//   node scripts/test.mjs                 all layers
//   node scripts/test.mjs unit lsp        only those layers
// Layers: unit (pure parsers and models), lsp (real server over stdio),
// browser (webview page in headless Chromium), vscode (the integration suite inside
// a real VS Code), ui (driving that VS Code in Chromium).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const layers = {
  unit: { dir: 'out/test/unit' },
  lsp: { dir: 'out/test/lsp' },
  browser: { dir: 'out/test/browser', provision: true },
  vscode: { script: 'out/test/vscode/runInCodeServer.js', provision: true },
  ui: { dir: 'out/test/ui', provision: true },
};
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const w of wanted) if (!(w in layers)) { console.error(`unknown layer ${w}; layers: ${Object.keys(layers).join(', ')}`); process.exit(2); }
const selected = wanted.length ? wanted : Object.keys(layers);

function run(cmd, args, opts = {}) {
  const t0 = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  return { code: r.status ?? 1, seconds: (Date.now() - t0) / 1000 };
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
const step = (name, r) => { timings.push([name, r.seconds, r.code]); if (r.code !== 0) finish(); };
function finish() {
  console.log('\nlayer      seconds  result');
  for (const [name, s, code] of timings) console.log(`${name.padEnd(10)} ${s.toFixed(1).padStart(7)}  ${code === 0 ? 'ok' : 'FAILED'}`);
  const failed = timings.filter((t) => t[2] !== 0).length;
  console.log(`${timings.length - failed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

step('build', run('node', ['scripts/build.mjs']));
step('typecheck', run('npx', ['tsc', '-p', '.']));
if (existsSync('media/src')) step('typecheck-webview', run('npx', ['tsc', '-p', 'media']));
let provisioned = false;
for (const name of selected) {
  const layer = layers[name];
  if (layer.provision && !provisioned && existsSync('scripts/provision.sh')) {
    step('provision', run('bash', ['scripts/provision.sh']));
    provisioned = true;
  }
  if (layer.script) {
    if (!existsSync(layer.script)) { console.log(`(layer ${name}: no ${layer.script} yet)`); continue; }
    step(name, run('node', [layer.script]));
  } else {
    const files = testFiles(layer.dir);
    if (!files.length) { console.log(`(layer ${name}: no tests yet)`); continue; }
    step(name, run('node', ['--test', '--test-concurrency=2', ...files]));
  }
}
finish();
