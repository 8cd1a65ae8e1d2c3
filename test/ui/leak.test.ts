// Leak hunting as a person does it in VS Code 1.100.3 (code-server + Chromium, the
// packaged .vsix): examples/leaky runs on 127.0.0.1 with its planted leaks and load,
// the watch starts from the command palette, and the live view ranks the planted
// leaks as suspects while leaks.go shows the growth on their lines.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { markers, startLeaky, type LeakyBuild, type Running } from '../helpers/leaky';
import { activeWebview, goToLine, hoverToken, openExampleWorkbench, openFromExplorer, runCommand, screenshot, type Workbench } from './workbench';

let wb: Workbench;
let svc: Running | undefined;
let build: LeakyBuild;

/** Whether some visible editor line, inlay hints included, matches `re` (Monaco writes spaces as U+00A0). */
const lineMatches = (re: RegExp) =>
  `[...document.querySelectorAll('.monaco-editor .view-line')].some((l) => ${re.toString()}.test((l.textContent ?? '').replace(/\u00a0/g, ' ')))`;

const t0 = Date.now();
const mark = (what: string) => console.log(`# ${((Date.now() - t0) / 1000).toFixed(1)} s: ${what}`);

before(async () => {
  wb = await openExampleWorkbench('leaky', async (ws, dirs) => {
    // The user's settings for a short watch, in place before the window opens.
    fs.mkdirSync(path.join(ws, '.vscode'));
    fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'heaplens.watch.intervalSeconds': 0.6, 'heaplens.watch.forceGC': true }));
    // Built from the workspace itself, so the profiles name the files VS Code has open.
    const env = { ...dirs.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
    const run = promisify(execFile);
    const service = path.join(dirs.root, 'leaky-bin'), loadgen = path.join(dirs.root, 'loadgen-bin');
    await Promise.all([
      // Go 1.26 serves /debug/pprof/goroutineleak only in programs built with this experiment.
      run('go', ['build', '-o', service, '.'], { cwd: ws, env: { ...env, GOEXPERIMENT: 'goroutineleakprofile' }, timeout: 120_000 }),
      run('go', ['build', '-o', loadgen, './cmd/loadgen'], { cwd: ws, env, timeout: 120_000 }),
    ]);
    mark('built');
    build = { dir: ws, service, loadgen };
  });
  mark('workbench');
});
after(async () => {
  svc?.stop();
  await wb?.close();
});

/** A test that leaves a screenshot of what the window showed when a step gave up. */
const uiTest = (name: string, shot: string, fn: () => Promise<void>) => test(name, async () => {
  try { await fn(); } catch (e) { await screenshot(wb.page, `${shot}-failed`).catch(() => undefined); throw e; }
});

uiTest('a watch started from the palette ranks the planted leaks as top suspects in the live view', 'ui-leak-live', async () => {
  const { page, ws } = wb;
  await openFromExplorer(page, 'leaks.go');
  // The language server is up once the escape analysis of leaks.go is in.
  await page.locator('.statusbar-item', { hasText: /\d+ heap allocations?/ }).waitFor({ timeout: 60_000 });
  mark('analysed');
  // The service and its traffic start now, so the load runs while the watch does.
  svc = await startLeaky(build, ['-leak', 'all', '-memprofilerate', '8192']);
  await runCommand(page, 'HeapLens: Watch Heap of a Running Service…');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`${svc!.url}/debug/pprof/`);
  await input.press('Enter');

  const view = activeWebview(page);
  const m = markers(ws);
  const leakRow = (k: string) => view.locator('#lines tbody tr:has(td.v-leak)', { hasText: `leaks.go:${m.get(`leak:${k}`)!.line}` });
  for (const k of ['buffers', 'sessions', 'thumbnails']) await leakRow(k).waitFor({ timeout: 30_000 });
  mark('suspects');
  const leaks = await view.locator('#lines tbody tr:has(td.v-leak)').allTextContents();
  const rows = await view.locator('#lines tbody tr').allTextContents();
  for (const k of ['buffers', 'sessions', 'thumbnails']) {
    const at = rows.findIndex((t) => t.includes(`leaks.go:${m.get(`leak:${k}`)!.line}`));
    assert.ok(at >= 0 && at < 5, `${k} is not among the top 5 rows: ${rows.join(' | ')}`);
  }
  assert.ok(!leaks.some((t) => t.includes('report.go')), `the busy handler is no leak: ${leaks.join(' | ')}`);
  const g = view.locator('#goroutines tbody tr:has(td.v-leak)', { hasText: `leaks.go:${m.get('leak:goroutines')!.line}` });
  await g.waitFor({ timeout: 20_000 });
  assert.match((await g.textContent()) ?? '', /chan send/);
  // Go's own verdict on goroutines: where they block and the go statement that started them.
  const started = fs.readFileSync(path.join(ws, 'leaks.go'), 'utf8').split('\n').findIndex((l) => l.includes('go func() {')) + 1;
  const leaked = view.locator('#leaked tbody tr', { hasText: `leaks.go:${m.get('leak:goroutines')!.line} main.quote.func1` });
  await leaked.waitFor({ timeout: 10_000 });
  assert.match((await leaked.textContent()) ?? '', new RegExp(`chan send.*leaks\\.go:${started} main\\.quote`));
  await page.locator('.statusbar-item', { hasText: /leak suspects?/ }).waitFor({ timeout: 10_000 });
  // The suspects in the picture, and room for them: the explorer closed, as for a demo.
  await page.keyboard.press('Control+B');
  await view.locator('#lines').scrollIntoViewIfNeeded();
  await screenshot(page, 'ui-leak-live');
  mark('live view');
});

uiTest('the growth since the base snapshot is on the leaking lines of leaks.go, with the escape reason in the hover', 'ui-leak-lines', async () => {
  const { page, ws } = wb;
  const text = 'img := make([]byte, 128<<10)';
  const n = fs.readFileSync(path.join(ws, 'leaks.go'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  await goToLine(page, n);
  await page.waitForFunction(lineMatches(/img := make\(\[\]byte, 128<<10\).*\+[\d.]+ ?[KM]iB.*inuse_space/), undefined, { timeout: 20_000 });
  const hover = await hoverToken(page, text, 'make', /watch snapshots #\d+→#\d+/, 20_000);
  const all = (await hover.locator('xpath=ancestor::div[contains(@class,"monaco-hover")][1]').textContent()) ?? '';
  assert.match(all, /inuse_space/);
  assert.match(all, /escapes to the heap|moved to heap/i);
  await page.evaluate(`Promise.all([...document.querySelectorAll('.monaco-hover')].flatMap((e) => e.getAnimations({ subtree: true }).map((a) => a.finished)))`);
  await screenshot(page, 'ui-leak-lines');
  mark('lines');
  await page.mouse.move(5, 5);
  // The leaked goroutines on the go statement that started them and on the send where they block.
  const started = fs.readFileSync(path.join(ws, 'leaks.go'), 'utf8').split('\n').findIndex((l) => l.includes('go func() {')) + 1;
  await goToLine(page, started + 6);
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /goroutines started here leaked: blocked at leaks\.go:\d+ \(chan send\)/ }).waitFor({ timeout: 10_000 });
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /goroutines leaked here \(chan send, nothing can wake them\), started at leaks\.go:\d+/ }).waitFor({ timeout: 10_000 });
  await screenshot(page, 'ui-leak-goroutines');
  await runCommand(page, 'HeapLens: Stop Watching Heap');
  await page.locator('.statusbar-item', { hasText: /leak suspects?/ }).waitFor({ state: 'hidden', timeout: 10_000 });
});
