// What `npm start` opens, as the person who just ran it sees it: scripts/start.mjs itself
// runs (on a copy of the example, with the packaged .vsix), and its printed URL is opened
// in Chromium. The page must be on the main job at once — catalog.go with its heap escapes
// and the measured costs of heap.pb.gz on its lines — and the flamegraph one click away.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, launchChromium, makeRunDirs, removeRunDirs, repoRoot, type Browser, type RunDirs } from '../vscode/host/codeServer';
import { activeWebview, ensureVsix, explorerRow, screenshot } from './workbench';

let start: ChildProcess | undefined;
let startDir = '';
let dirs: RunDirs | undefined;
let browser: Browser | undefined;
let url = '';
let output = '';

/** Whether some visible editor line, inlay hints included, matches `re` (Monaco writes spaces as U+00A0). */
const lineMatches = (re: RegExp) =>
  `[...document.querySelectorAll('.monaco-editor .view-line')].some((l) => ${re.toString()}.test((l.textContent ?? '').replace(/\u00a0/g, ' ')))`;

before(async () => {
  await ensureVsix();
  startDir = mkdtempSync(join(tmpdir(), 'heaplens-start-'));
  const port = await freePort();
  // Its own process group: stopping it stops the code-server it started.
  start = spawn(process.execPath, [join(repoRoot, 'scripts', 'start.mjs'), '--no-package'], {
    cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HEAPLENS_START_DIR: startDir, HEAPLENS_PORT: String(port) },
  });
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within 240 s:\n${output}`)), 240_000);
    const onData = (b: Buffer) => {
      output += b.toString();
      const m = /^\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)$/m.exec(output);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    };
    start!.stdout!.on('data', onData);
    start!.stderr!.on('data', onData);
    start!.once('exit', (code) => { clearTimeout(timer); reject(new Error(`npm start exited (${code}) before printing a URL:\n${output}`)); });
  });
  dirs = makeRunDirs('start-browser');
  browser = await launchChromium(dirs);
});

after(async () => {
  await browser?.close();
  if (start?.pid && start.exitCode === null) {
    const exited = new Promise((r) => start!.once('exit', r));
    process.kill(-start.pid, 'SIGINT');
    const t = setTimeout(() => { try { process.kill(-start!.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
    await exited;
    clearTimeout(t);
  }
  if (dirs) removeRunDirs(dirs);
  if (startDir) rmSync(startDir, { recursive: true, force: true, maxRetries: 3 });
});

test('npm start prints what the engine finds before it serves', () => {
  assert.match(output, /heap allocations in \d+ files/);
  assert.match(output, /\bflat\b/);
});

test('npm start opens on catalog.go with its heap escapes and the profile\'s costs on the lines', async () => {
  const page = browser!.page;
  await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await page.locator('.tabs-container .tab.active', { hasText: 'catalog.go' }).waitFor({ timeout: 60_000 });
  await page.locator('.statusbar-item', { hasText: /\d+ heap allocations?/ }).waitFor({ timeout: 90_000 });
  // Loaded by the heaplens.profile setting npm start writes: no command needed.
  await page.locator('.statusbar-item', { hasText: 'heap.pb.gz · alloc_space' }).waitFor({ timeout: 60_000 });
  await page.waitForFunction(lineMatches(/append\(ids, p\.ID\).*[\d.]+ (KiB|MiB) · [\d.]+% alloc_space/), undefined, { timeout: 60_000 })
    .catch(async (e: unknown) => { await screenshot(page, 'npm-start-failed'); throw e; });
  await page.locator('.monaco-editor .squiggly-info, .monaco-editor .squiggly-warning').first().waitFor({ timeout: 30_000 });
  await page.locator('.notification-toast', { hasText: 'loading heap.pb.gz' }).waitFor({ state: 'hidden', timeout: 30_000 });
  assert.ok(await explorerRow(page, 'heap.pb.gz').isVisible(), 'heap.pb.gz is in the Explorer, one click from the flamegraph');
  await screenshot(page, 'npm-start');
});

test('one click on heap.pb.gz opens the flamegraph', async () => {
  const page = browser!.page;
  await explorerRow(page, 'heap.pb.gz').click();
  await page.locator('.tabs-container .tab.active', { hasText: 'heap.pb.gz' }).waitFor({ timeout: 30_000 });
  const canvas = activeWebview(page).locator('canvas').first();
  await canvas.waitFor({ timeout: 60_000 });
  await activeWebview(page).locator('body', { hasText: /alloc_space/ }).waitFor({ timeout: 60_000 });
  await screenshot(page, 'npm-start-flamegraph');
});
