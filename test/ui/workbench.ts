// The UI layer's fixture: the packaged heaplens-<version>.vsix installed into a fresh
// code-server, the example workspace (with a heap profile written by its own
// loadgen) open in headless Chromium, and helpers that act as a person would.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import {
  copyExample, installVsix, launchChromium, makeRunDirs, newestMtime, removeRunDirs, repoRoot, startCodeServer, target,
  type Browser, type CodeServer, type RunDirs,
} from '../vscode/host/codeServer';

export const artifacts = join(repoRoot, 'test-artifacts', 'ui');
const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
const vsixPath = join(repoRoot, `heaplens-${version}.vsix`);

/**
 * Packages the extension unless its .vsix is newer than everything that goes into it.
 * UI test files run in parallel processes: one packages, the others wait for it.
 */
export async function ensureVsix(): Promise<string> {
  mkdirSync(join(repoRoot, 'test-artifacts'), { recursive: true });
  return withLock(join(repoRoot, 'test-artifacts', 'package.lock'), () => {
    const css = readdirSync(join(repoRoot, 'media')).filter((n) => n.endsWith('.css')).map((n) => `media/${n}`);
    const inputs = ['client/src', 'server/src', 'media/src', ...css, 'media/icon.png', 'package.json', '.vscodeignore', 'gohelper', 'docs/extension-readme.md', 'CHANGELOG.md', 'docs/images', 'scripts/package.mjs']
      .map((p) => join(repoRoot, p));
    if (existsSync(vsixPath) && statSync(vsixPath).mtimeMs > newestMtime(inputs)) return vsixPath;
    const r = spawnSync(process.execPath, ['scripts/package.mjs', '--vsix-only'], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000 });
    if (r.status !== 0) throw new Error(`packaging failed:\n${r.stdout}\n${r.stderr}`);
    return vsixPath;
  });
}

/** Runs `fn` holding an exclusive lock file (its content: the holder's pid). */
async function withLock<T>(lock: string, fn: () => T, timeoutMs = 300_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = Number(readFileSync(lock, 'utf8').trim() || 0);
    if (holder && !alive(holder)) { rmSync(lock, { force: true }); continue; }
    if (Date.now() > deadline) throw new Error(`${lock} held by pid ${holder} for over ${timeoutMs} ms`);
    await lockReleased(lock, deadline - Date.now());
  }
  try {
    return fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch { return false; }
}

/** Resolves when `file` is gone (watching its folder), or after `ms` at the latest. */
function lockReleased(file: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); watcher.close(); resolve(); };
    const watcher = watch(dirname(file), () => { if (!existsSync(file)) done(); });
    const timer = setTimeout(done, Math.max(0, ms));
    if (!existsSync(file)) done();
  });
}

export interface Workbench {
  page: Page;
  ws: string;
  dirs: RunDirs;
  server: CodeServer;
  close(): Promise<void>;
}

/** `prepare` adds files to the workspace before VS Code opens it (the explorer sees them at once). */
export async function openWorkbench(prepare?: (ws: string) => void): Promise<Workbench> {
  return openExampleWorkbench('shop', async (ws, dirs) => {
    execFileSync('go', ['run', './cmd/loadgen', '-o', 'heap.pb.gz'], { cwd: ws, env: dirs.env, stdio: 'pipe', timeout: 120_000 });
    prepare?.(ws);
  });
}

/** Saves test-artifacts/ui/<name>.png; in the newest VS Code, <name>-newest.png. */
export async function screenshot(page: Page, name: string): Promise<Buffer> {
  mkdirSync(artifacts, { recursive: true });
  return page.screenshot({ path: join(artifacts, `${name}${target.name === 'newest' ? '-newest' : ''}.png`) });
}

/** An explorer row by its label, e.g. 'catalog' or 'heap.pb.gz'. */
export function explorerRow(page: Page, label: string): Locator {
  return page.locator('.explorer-folders-view .monaco-list-row').filter({
    has: page.locator('.label-name', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
  });
}

/** Opens a workspace file through the explorer, expanding folders on the way. */
export async function openFromExplorer(page: Page, relPath: string): Promise<void> {
  const parts = relPath.split('/');
  for (const [i, part] of parts.entries()) {
    const row = explorerRow(page, part).first();
    await row.waitFor({ timeout: 30_000 });
    const last = i === parts.length - 1;
    if (!last && (await row.getAttribute('aria-expanded')) === 'true') continue;
    await row.click();
  }
  await page.locator('.tabs-container .tab.active', { hasText: parts[parts.length - 1] }).waitFor({ timeout: 30_000 });
}

/** The webview's document inside the active custom editor. */
export function activeWebview(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Resolves once the workbench knows the installed extension's contributions (its
 * commands show in the command palette). Before that, opening a *.pb.gz shows
 * VS Code's binary-file notice instead of our editor, as it would for a person
 * who clicks in the first second.
 */
export async function waitForContributions(page: Page, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const input = page.locator('.quick-input-widget input');
  const ours = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'HeapLens' }).first();
  while (Date.now() < deadline) {
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 10_000 });
    await input.fill('>HeapLens');
    // The palette lists what is registered when it opens, so reopen until ours appear.
    const seen = await ours.waitFor({ timeout: 2000 }).then(() => true, () => false);
    await page.keyboard.press('Escape');
    await input.waitFor({ state: 'hidden', timeout: 10_000 });
    if (seen) return;
  }
  throw new Error(`HeapLens's commands did not appear in the command palette within ${timeoutMs} ms`);
}

/** Runs a command from the command palette by its label. */
export async function runCommand(page: Page, label: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`>${label}`);
  await page.locator('.quick-input-widget .monaco-list-row', { hasText: label }).first().waitFor({ timeout: 10_000 });
  await input.press('Enter');
}

export type { Frame };

/**
 * Hovers the token `token` on the first line containing `lineText` in the active
 * editor, until a hover whose text matches `expect` shows. The first hover can come
 * before the language server is ready: move away and back, as a person would.
 */
/** Go to Line (Ctrl+G) in the editor, as a person would; then waits for the line holding `visible`, if given. */
export async function goToLine(page: Page, line: number, visible?: string): Promise<void> {
  await page.locator('.monaco-editor textarea').first().focus();
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ timeout: 10_000 });
  await input.fill(`:${line}`);
  await input.press('Enter');
  if (visible) await page.locator('.monaco-editor .view-line', { hasText: visible }).first().waitFor({ timeout: 10_000 });
}

export async function hoverToken(page: Page, lineText: string, token: string, expect: RegExp, timeoutMs = 60_000): Promise<Locator> {
  const line = page.locator('.monaco-editor .view-lines .view-line', { hasText: lineText }).first();
  await line.waitFor({ timeout: 30_000 });
  const span = line.locator('span > span', { hasText: new RegExp(`^\\s*${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`) }).first();
  // Diagnostics render as marker hovers (no markdown); profile costs as markdown.
  const hover = page.locator('.monaco-hover .hover-contents', { hasText: expect }).first();
  const deadline = Date.now() + timeoutMs;
  let seen = false;
  while (Date.now() < deadline) {
    // Decorations arriving (inlay hints, diagnostics) re-render the line: find the token each time.
    const box = await span.boundingBox();
    if (!box) { await page.waitForTimeout(250); continue; }
    seen = true;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    if (await hover.waitFor({ timeout: 5000 }).then(() => true, () => false)) return hover;
    await page.mouse.move(box.x, box.y - 200);
  }
  if (!seen) throw new Error(`token ${token} on "${lineText}" is not visible`);
  throw new Error(`no hover matching ${expect} on ${token} in "${lineText}" within ${timeoutMs} ms`);
}

/**
 * A workbench on a bundled example (copied fresh); `prepare` may be async (build and
 * start a service) and runs while VS Code starts, before it opens the folder.
 */
export async function openExampleWorkbench(example: string, prepare?: (ws: string, dirs: RunDirs) => Promise<void>): Promise<Workbench> {
  const vsix = await ensureVsix();
  const dirs = makeRunDirs('ui');
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    installVsix(dirs, vsix);
    const ws = copyExample(dirs, example);
    [server] = await Promise.all([startCodeServer({ dirs }), prepare?.(ws, dirs)]);
    browser = await launchChromium(dirs);
    const page = browser.page;
    await page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    await waitForContributions(page);
    const s = server, b = browser;
    return { page, ws, dirs, server: s, close: async () => { await b.close(); await s.close(); removeRunDirs(dirs); } };
  } catch (e) {
    await browser?.close();
    await server?.close();
    removeRunDirs(dirs);
    throw e;
  }
}
