// Fleet profiles as a person gets them in VS Code 1.100.3 (code-server + Chromium, the
// packaged .vsix), issue 17: the workspace's settings name a Pyroscope (the local
// stand-in built from Pyroscope's generated QuerierService, test/servers/pyroscope,
// on 127.0.0.1), serving two "deploys" of the example that its load generator
// profiled: version 1.4 ninety minutes ago (500 rounds) and 1.5 ten minutes ago
// (2000 rounds). From the palette: pick the service, the profile type and the
// range in the quick picks; the flamegraph opens and catalog.go's lines show the
// cost. Then compare the last hour with the hour before: the growth is on the lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { copyExample } from '../helpers/goFixture';
import { buildPyroscopeServer, PyroscopeServer } from '../helpers/pyroscopeServer';
import { freePort } from '../vscode/host/codeServer';
import { activeWebview, goToLine as goToLineIn, openFromExplorer, openWorkbench, runCommand, screenshot, type Workbench } from './workbench';

const execFileP = promisify(execFile);
let wb: Workbench | undefined;
let pyroscope: PyroscopeServer | undefined;
let scratch: string | undefined;

const t0 = Date.now();
const phase = (what: string) => console.log(`fleet ui: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s`);

/** Builds the stand-in, has the example's load generator write the two deploys' profiles, and serves them on `port`. */
async function startFleet(port: number): Promise<PyroscopeServer> {
  // The fleet's profiles come from another copy of the example, as a deployed build's would.
  scratch = copyExample();
  const dir = scratch;
  const loadgen = (name: string, rounds: number) => execFileP('go', ['run', './cmd/loadgen', '-o', path.join(dir, name), '-rounds', String(rounds)], { cwd: dir, timeout: 60_000 });
  const [bin] = await Promise.all([buildPyroscopeServer(dir), loadgen('v14.pb.gz', 500), loadgen('v15.pb.gz', 2000)]);
  phase('stand-in built, profiles written');
  const now = Date.now();
  return PyroscopeServer.start(bin, [
    { labels: { service_name: 'checkout', version: '1.4' }, timeMs: now - 90 * 60_000, file: path.join(dir, 'v14.pb.gz') },
    { labels: { service_name: 'checkout', version: '1.5' }, timeMs: now - 10 * 60_000, file: path.join(dir, 'v15.pb.gz') },
    { labels: { service_name: 'cart', version: '1.5' }, timeMs: now - 10 * 60_000, file: path.join(dir, 'v14.pb.gz') },
  ], { addr: `127.0.0.1:${port}` });
}

before(async () => {
  // The workspace's settings name the source before VS Code starts; the stand-in comes up meanwhile.
  const port = await freePort();
  const source = { name: 'staging', kind: 'pyroscope', url: `http://127.0.0.1:${port}` };
  const [fleet, workbench] = await Promise.allSettled([
    startFleet(port),
    openWorkbench((ws) => {
      fs.mkdirSync(path.join(ws, '.vscode'), { recursive: true });
      fs.writeFileSync(path.join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'heaplens.profileSources': [source] }, null, 2));
    }),
  ]);
  if (fleet.status === 'fulfilled') pyroscope = fleet.value;
  if (workbench.status === 'fulfilled') wb = workbench.value;
  phase('workbench open');
  for (const r of [fleet, workbench]) if (r.status === 'rejected') throw r.reason;
});
after(async () => {
  await wb?.close();
  pyroscope?.stop();
  if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Picks the quick-pick row titled `title` whose label is `label`, with a click as a person would. */
async function pick(page: Page, title: string | RegExp, label: string | RegExp): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ timeout: 15_000 });
  const row = widget.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
  await row.waitFor({ timeout: 5000 });
  await row.click();
  await widget.locator('.quick-input-title', { hasText: title }).waitFor({ state: 'hidden', timeout: 5000 });
}

/** Whether some visible editor line, inlay hints included, matches `re` (Monaco writes spaces as U+00A0). */
const lineMatches = (re: RegExp) =>
  `[...document.querySelectorAll('.monaco-editor .view-line')].some((l) => ${re.toString()}.test((l.textContent ?? '').replace(/\u00a0/g, ' ')))`;

/** The text of catalog.go's visible line holding `text`, inlay hints included. */
const lineText = (page: Page, text: string) => page.evaluate(
  `[...document.querySelectorAll('.monaco-editor .view-line')].map((l) => (l.textContent ?? '').replace(/\u00a0/g, ' ')).find((t) => t.includes(${JSON.stringify(text)})) ?? ''`,
) as Promise<string>;

/** Puts the line of catalog.go holding `text` in view (Go to Line), as a person would. */
async function goToLine(page: Page, text: string): Promise<void> {
  const n = fs.readFileSync(path.join(wb!.ws, 'catalog', 'catalog.go'), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;
  await goToLineIn(page, n, text);
}

const HOT_LINE = 'index[products[i].Name] = &products[i]';

test('a service, a profile type and a range picked from the palette open a flamegraph and cost the lines', { timeout: 90_000 }, async () => {
  const { page } = wb!;
  await openFromExplorer(page, 'catalog/catalog.go');
  // The language server is up once catalog.go's analysis is counted (the lines need it).
  await page.locator('.statusbar-item', { hasText: /\d+ heap allocations?/ }).waitFor({ timeout: 45_000 });
  phase('catalog.go analysed');
  await runCommand(page, 'HeapLens: Open Profile from Pyroscope or Parca…');
  await pick(page, 'HeapLens: service (staging)', /^checkout$/);
  await pick(page, 'HeapLens: profile type of checkout', /^alloc_space$/);
  const ranges = page.locator('.quick-input-widget .monaco-list-row .label-name');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'HeapLens: time range' }).waitFor({ timeout: 15_000 });
  assert.deepEqual(await ranges.allTextContents(), ['Last 15 minutes', 'Last hour', 'Last 6 hours', 'Last 24 hours', 'Last 7 days', 'Custom…']);
  await pick(page, 'HeapLens: time range', /^Last 6 hours$/);

  const tab = page.locator('.tabs-container .tab.active', { hasText: /^checkout-.*\.pb/ });
  await tab.waitFor({ timeout: 20_000 });
  const view = activeWebview(page);
  await view.locator('#canvas').waitFor({ timeout: 20_000 });
  await view.locator('#status', { hasText: 'Click a frame' }).waitFor({ timeout: 20_000 });
  // The tab says where the profile came from: the profiler URL the CLI takes too.
  assert.equal(await view.locator('#title').textContent(), `pyroscope://${pyroscope!.hostPort}/checkout?type=alloc_space&from=-6h`);
  assert.match((await view.locator('#facts').textContent()) ?? '', /alloc_space\s*[\d.]+ MiB/);
  await page.locator('.notification-toast', { hasText: /merging checkout|loading checkout/ }).waitFor({ state: 'hidden', timeout: 20_000 });
  await screenshot(page, 'ui-fleet-flamegraph');
  phase('flamegraph drawn');

  await page.locator('.tabs-container .tab', { hasText: 'catalog.go' }).click();
  await page.mouse.move(5, 5); // no tab tooltip in the picture
  await goToLine(page, HOT_LINE);
  await page.waitForFunction(lineMatches(/index\[products\[i\]\.Name\] = &products\[i\].*[\d.]+ (KiB|MiB) · [\d.]+% alloc_space/), undefined, { timeout: 20_000 });
  // Both deploys are inside the last 6 hours: the merge holds 2500 rounds' allocations.
  assert.match(await lineText(page, HOT_LINE), /[\d.]+ (KiB|MiB) · [\d.]+% alloc_space/);
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /alloc_space: flat [\d.]+ MiB \(/ }).first().waitFor({ timeout: 10_000 });
  await screenshot(page, 'ui-fleet-lines');
});

test('comparing the last hour with the hour before shows the growth on the lines', { timeout: 60_000 }, async () => {
  const { page } = wb!;
  const before = await lineText(page, HOT_LINE);
  await runCommand(page, 'HeapLens: Compare Two Profiler Ranges on the Lines…');
  await pick(page, 'HeapLens: service (staging)', /^checkout$/);
  await pick(page, 'HeapLens: profile type of checkout', /^alloc_space$/);
  await pick(page, 'HeapLens: time range', /^Last hour$/);
  // Version 1.5 (ten minutes ago) against 1.4 (ninety minutes ago): four times the rounds.
  await pick(page, 'HeapLens: compare checkout (last hour) with…', /^The same length just before$/);
  await page.waitForFunction(lineMatches(/index\[products\[i\]\.Name\] = &products\[i\].*\+[\d.]+ (KiB|MiB)/), undefined, { timeout: 20_000 });
  const after = await lineText(page, HOT_LINE);
  assert.notEqual(after, before);
  assert.match(after, /\+[\d.]+ (KiB|MiB)/);
  // The functions' code lenses follow: growth, not the previous profile's shares.
  await page.locator('.monaco-editor .codelens-decoration', { hasText: /alloc_space: flat \+[\d.]+ MiB · cum \+/ }).first().waitFor({ timeout: 10_000 });
  await page.locator('.notification-toast', { hasText: /comparing checkout/ }).waitFor({ state: 'hidden', timeout: 20_000 });
  await screenshot(page, 'ui-fleet-diff');
});
