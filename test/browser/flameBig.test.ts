// The flamegraph page on a real profile with a thousand functions (go/types' tests at
// -memprofilerate=1, checked in), in headless Chromium: the table view against
// `heaplens top` (the engine pprof's -top agrees with), sorting, the callers/callees of
// one function, focus, callers-of and ignore. Screenshots in test-artifacts/flame-big-*.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { decodeSteps } from '../../client/src/profileEditor/decodeJob';
import { isLoaded, loadProfile, profileMessage } from '../../client/src/profileEditor/load';
import type { ToWebview } from '../../server/src/protocol/webview';
import { drawCount, launchChromium, openFlamePage, repoRoot, serveWebview, waitForDrawAfter, type FlameServer } from './flamePage';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'profiles', 'gotypes.mem.out');
const artifacts = path.join(repoRoot, 'test-artifacts');
let browser: Browser;
let server: FlameServer;
let page: Page;
let consoleErrors: string[] = [];
interface TopRow { name: string; flat: number; cum: number }
let top: TopRow[] = [];

before(async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'server', 'out', 'cli.js'), 'top', '--json', '--sample-type', 'alloc_space', fixture], { encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(r.status, 0, r.stderr);
  top = (JSON.parse(r.stdout) as { functions: TopRow[] }).functions;
  assert.ok(top.length > 1000, `${top.length} functions`);
  const loaded = loadProfile(fs.readFileSync(fixture), 'mem.out');
  assert.ok(isLoaded(loaded), 'error' in loaded ? loaded.error : '');
  const msg = profileMessage(loaded) as Extract<ToWebview, { type: 'profile' }>;
  server = await serveWebview('mem.out');
  browser = await launchChromium();
  ({ page, consoleErrors } = await openFlamePage(browser, server, { width: 1400, height: 900 }));
  const before = await drawCount(page);
  await postBig(page, msg);
  await waitForDrawAfter(page, before);
  await page.locator('#sampleType').selectOption({ label: 'alloc_space (bytes)' });
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Posts a message as the extension would. One JSON string over CDP, typed arrays
 * rebuilt by JSON.parse's reviver: the shared sendToPage's object-by-object revive
 * takes minutes for 110,000 nodes.
 */
async function postBig(p: Page, msg: ToWebview): Promise<void> {
  const json = JSON.stringify(msg, (_k, v: unknown) => (ArrayBuffer.isView(v) ? { __typed: v.constructor.name, data: Array.from(v as unknown as ArrayLike<number>) } : v));
  await p.evaluate((text) => {
    const m: unknown = JSON.parse(text, (_k, v: { __typed?: string; data?: number[] } | null) =>
      (v && v.__typed ? (v.__typed === 'Int32Array' ? Int32Array.from(v.data!) : Float64Array.from(v.data!)) : v));
    (globalThis as unknown as { postMessage(m: unknown, o: string): void }).postMessage(m, '*');
  }, json);
}

/** The table's rows as the page shows them: [flat, flat%, cum, cum%, function]. */
function tableRows(p = page): Promise<string[][]> {
  return p.$$eval('#table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));
}

/** Bytes from the page's formatted value (B, KiB, MiB, GiB), to compare with the engine's numbers. */
function bytes(s: string): number {
  const m = /^([\d.]+) (B|KiB|MiB|GiB)$/.exec(s.trim());
  assert.ok(m, `not a size: ${s}`);
  return Number(m[1]) * { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 }[m[2] as 'B']!;
}
const near = (a: number, b: number) => Math.abs(a - b) <= Math.max(1, b * 0.006);

test('a thousand-function profile draws', async () => {
  await page.screenshot({ path: path.join(artifacts, 'flame-big.png') });
  assert.ok(await drawCount(page) > 0);
  assert.deepEqual(consoleErrors, []);
});

test('the table lists every function with flat and cum equal to heaplens top, sorted by flat', async () => {
  await page.locator('#tableToggle').click();
  await page.locator('#table tbody tr').first().waitFor();
  assert.ok(await page.locator('#chart').isHidden(), 'the graph gives way to the table');
  const rows = await tableRows();
  const byFlat = [...top].sort((a, b) => b.flat - a.flat || b.cum - a.cum);
  assert.equal(rows.length, Math.min(1000, top.filter((f) => f.flat || f.cum).length));
  assert.match(await page.locator('#table > p.muted').innerText(), /^\d+ more functions not listed/);
  for (let i = 0; i < 15; i++) {
    const want = byFlat[i];
    const row = rows.find((r) => r[4] === want.name);
    assert.ok(row, `${want.name} is listed`);
    assert.ok(near(bytes(row[0]), want.flat) && near(bytes(row[2]), want.cum), `${want.name}: page ${row[0]} / ${row[2]}, top ${want.flat} / ${want.cum}`);
  }
  assert.equal(rows[0][4], byFlat[0].name);
  await page.screenshot({ path: path.join(artifacts, 'flame-big-table.png') });
});

test('sorting by cum puts the outermost frames first, as pprof -top -cum', async () => {
  await page.locator('#table th button', { hasText: 'Cum' }).click();
  const rows = await tableRows();
  const byCum = [...top].sort((a, b) => b.cum - a.cum);
  assert.ok(near(bytes(rows[0][2]), byCum[0].cum), `${rows[0][4]} ${rows[0][2]} vs ${byCum[0].name} ${byCum[0].cum}`);
  for (let i = 1; i < rows.length; i++) assert.ok(bytes(rows[i - 1][2]) >= bytes(rows[i][2]) - 1, `row ${i} out of order`);
  assert.equal(await page.locator('#table th[aria-sort="descending"]').innerText(), 'Cum ▼');
});

test('selecting a function shows who calls it and what it calls, adding up to its cum', async () => {
  const name = 'go/types.(*Checker).recordTypeAndValue';
  await page.locator('#table th button', { hasText: 'Flat' }).first().click();
  await page.locator('#table tbody tr', { has: page.locator('td.fn', { hasText: name }) }).first().click();
  const peek = page.locator('#table .peek');
  await peek.locator('strong', { hasText: name }).waitFor();
  const callers = await peek.locator('.peekList').first().locator('li').allInnerTexts();
  assert.ok(callers.length > 0, 'it has callers');
  const want = top.find((f) => f.name === name)!;
  const sum = callers.map((c) => bytes(c.split('\n')[0].replace(/\s*go\/.*$/, '').trim())).reduce((a, b) => a + b, 0);
  assert.ok(near(sum, want.cum), `callers add up to ${sum}, cum is ${want.cum}`);
  await page.screenshot({ path: path.join(artifacts, 'flame-big-peek.png') });
});

test('Focus shows the callees of a function; its chip brings the whole profile back', async () => {
  const name = 'go/types.(*Checker).checkFiles';
  await page.locator('#table tbody tr', { has: page.locator('td.fn', { hasText: name }) }).first().click();
  const before = await drawCount(page);
  await page.locator('#table .peek button', { hasText: 'Focus' }).click();
  await page.locator('#tableToggle').click();
  await waitForDrawAfter(page, before);
  await page.locator('#filters .chip', { hasText: 'Focus: callees of' }).waitFor();
  assert.match(await page.locator('#breadcrumb').innerText(), /all/);
  await page.screenshot({ path: path.join(artifacts, 'flame-big-focus.png') });
  // The table follows the graph's filters: only what checkFiles reaches.
  await page.locator('#filters .chip button').click();
  await page.locator('#filters').waitFor({ state: 'hidden' });
});

test('c on a selected frame shows its callers; x leaves its stacks out of the graph and the table', async () => {
  await page.locator('#chart').focus();
  // Select a frame above the root with the keyboard, then its callers.
  const selectAboveRoot = async () => {
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('ArrowUp');
      const name = /^(.*) — cum /.exec(await page.locator('#status').innerText())?.[1];
      if (name && name !== 'total') return name;
    }
    throw new Error(`no frame above the root selected: ${await page.locator('#status').innerText()}`);
  };
  const name = await selectAboveRoot();
  await page.keyboard.press('c');
  await page.locator('#filters .chip', { hasText: 'Callers of' }).waitFor();
  await page.screenshot({ path: path.join(artifacts, 'flame-big-callers.png') });
  await page.locator('#filters .chip button').click();
  await page.locator('#chart').focus();
  assert.equal(await selectAboveRoot(), name);
  await page.keyboard.press('x');
  await page.locator('#filters .chip', { hasText: 'Ignoring' }).waitFor();
  await page.locator('#tableToggle').click();
  const rows = await tableRows();
  assert.ok(!rows.some((r) => r[4] === name), `${name} is gone from the table`);
  assert.deepEqual(consoleErrors, []);
});

test('while the call tree is built: the table, complete, then the graph in its place', async () => {
  const steps = decodeSteps({ current: { bytes: fs.readFileSync(fixture), source: 'mem.out' } });
  const table = steps.early(), final = steps.finish();
  assert.ok(table?.ok && final.ok);
  const { page: p, consoleErrors: errors } = await openFlamePage(browser, server, { width: 1400, height: 900 });
  try {
    await postBig(p, table.message);
    await p.locator('#table tbody tr').first().waitFor();
    assert.ok(await p.locator('#chart').isHidden(), 'the table shows in the graph\'s place');
    assert.match(await p.locator('#status').innerText(), /^Building the call tree of 146,156 samples… The table is complete; the graph follows\.$/);
    for (const id of ['#search', '#view', '#orientation', '#compare', '#tableToggle']) assert.ok(await p.locator(id).isDisabled(), `${id} waits for the tree`);
    assert.match(await p.locator('#table .peek').innerText(), /Callers and callees follow when the call tree is built/);
    await p.locator('#sampleType').selectOption({ label: 'alloc_space (bytes)' });
    const rows = await tableRows(p);
    const byFlat = [...top].sort((a, b) => b.flat - a.flat || b.cum - a.cum);
    for (let i = 0; i < 15; i++) {
      const row = rows.find((r) => r[4] === byFlat[i].name);
      assert.ok(row && near(bytes(row[0]), byFlat[i].flat) && near(bytes(row[2]), byFlat[i].cum), `${byFlat[i].name}: ${row?.join(' ')}`);
    }
    await p.screenshot({ path: path.join(artifacts, 'flame-big-building.png') });
    const before = await drawCount(p);
    await postBig(p, final.message);
    await waitForDrawAfter(p, before);
    assert.ok(await p.locator('#chart').isVisible(), 'the graph takes its place again');
    assert.ok(await p.locator('#table').isHidden());
    for (const id of ['#search', '#view', '#tableToggle']) assert.ok(await p.locator(id).isEnabled(), `${id} works again`);
    assert.equal(await p.locator('#sampleType').inputValue(), String(table.message.type === 'profile' && table.message.meta.sampleTypes.findIndex((t) => t.type === 'alloc_space')), 'the sample type picked stays');
    assert.deepEqual(errors, []);
  } finally {
    await p.close();
  }
});
