// Heap-profile overlays as a person sees them in VS Code 1.100.3 (code-server +
// Chromium, the packaged .vsix): the loadgen's profile is rewritten in the
// workspace, HeapLens offers to load it, and catalog.go's allocating lines show
// their cost at the end of the line, in the hover and in the status bar.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { goToLine as goToLineIn, hoverToken, openFromExplorer, runCommand, screenshot, openWorkbench, type Workbench } from './workbench';

let wb: Workbench;

/** Puts the 1-based line of catalog.go holding `text` in view (Go to Line), as a person would. */
async function goToLine(text: string): Promise<void> {
  const { page, ws } = wb;
  const n = fs.readFileSync(path.join(ws, 'catalog', 'catalog.go'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  await goToLineIn(page, n, text);
}

/** Whether some visible editor line, inlay hints included, matches `re` (Monaco writes spaces as U+00A0). */
const lineMatches = (re: RegExp) =>
  `[...document.querySelectorAll('.monaco-editor .view-line')].some((l) => ${re.toString()}.test((l.textContent ?? '').replace(/\u00a0/g, ' ')))`;

before(async () => { wb = await openWorkbench(); });
after(async () => { await wb?.close(); });

test('a profile written into the workspace is offered, and loading it annotates the allocating lines', async () => {
  const { page, ws } = wb;
  await openFromExplorer(page, 'catalog/catalog.go');
  await page.locator('.statusbar-item', { hasText: /\d+ heap allocations?/ }).waitFor({ timeout: 90_000 });
  // The loadgen wrote heap.pb.gz before the window opened; write it again, as a new run would.
  const profile = path.join(ws, 'heap.pb.gz');
  fs.writeFileSync(profile, fs.readFileSync(profile));
  const offer = page.locator('.notification-toast', { hasText: /heap profile (appeared|.*changed)/ });
  await offer.waitFor({ timeout: 60_000 });
  await offer.locator('.monaco-button', { hasText: /^(Load|Reload)$/ }).click();
  await goToLine('ids = append(ids, p.ID)');
  await page.waitForFunction(lineMatches(/append\(ids, p\.ID\).*alloc_space/), undefined, { timeout: 60_000 });
  assert.ok(await page.evaluate(lineMatches(/append\(ids, p\.ID\).*[\d.]+ (KiB|MiB) · [\d.]+% alloc_space/)));
  const status = page.locator('.statusbar-item', { hasText: 'heap.pb.gz · alloc_space' });
  await status.waitFor({ timeout: 10_000 });
  // Per function, a code lens with flat and cum.
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /alloc_space: flat [\d.]+ MiB/ }).first().waitFor({ timeout: 30_000 });
  await page.locator('.notification-toast', { hasText: 'loading heap.pb.gz' }).waitFor({ state: 'hidden', timeout: 30_000 });
  await screenshot(page, 'ui-hotspots');
});

test('hovering an allocating line shows every sample type and the compiler\'s verdict', async () => {
  const { page } = wb;
  const hover = await hoverToken(page, 'ids = append(ids, p.ID)', 'append', /alloc_objects/);
  const text = (await hover.locator('xpath=ancestor::div[contains(@class,"monaco-hover")][1]').textContent()) ?? '';
  assert.match(text, /inuse_space/);
  assert.match(text, /append's new array escapes to the heap/);
  // Let the hover's fade-in finish so the picture is not half transparent.
  await page.evaluate(`Promise.all([...document.querySelectorAll('.monaco-hover')].flatMap((e) => e.getAnimations({ subtree: true }).map((a) => a.finished)))`);
  await screenshot(page, 'ui-hotspots-hover');
  await page.mouse.move(5, 5);
});

test('switching the sample type relabels the lines', async () => {
  const { page } = wb;
  await runCommand(page, 'HeapLens: Switch Sample Type');
  const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: 'alloc_objects' }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  await page.waitForFunction(lineMatches(/append\(ids, p\.ID\).*alloc_objects/), undefined, { timeout: 30_000 });
  await page.locator('.statusbar-item', { hasText: 'heap.pb.gz · alloc_objects' }).waitFor({ timeout: 10_000 });
});
