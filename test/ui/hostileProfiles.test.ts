// Hostile heap profiles opened from the Explorer in a real VS Code 1.100.3 (issue 11,
// items 1, 7 and 14): the extension host survives each one, a hover in a Go file
// still answers after every one, deep stacks draw, and frames naming files outside
// the workspace do not open.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { HOSTILE, hostileDir } from '../helpers/hostileProfiles';
import { colourHistogram, decodePng } from './png';
import { activeWebview, explorerRow, hoverToken, openFromExplorer, runCommand, screenshot, type Workbench, openWorkbench } from './workbench';

let wb: Workbench;
before(async () => {
  wb = await openWorkbench((ws) => { for (const f of Object.values(HOSTILE)) copyFileSync(join(hostileDir, f), join(ws, f)); });
  await explorerRow(wb.page, HOSTILE.deepStack).waitFor({ timeout: 30_000 });
});
after(async () => { await wb?.close(); });

/** The escape-analysis hover on catalog.go answers: the extension host and its server are alive. */
async function hoverAnswers(page: Page): Promise<void> {
  await openFromExplorer(page, 'catalog/catalog.go');
  // The editor can still be laying out its lines right after the tab opens: retry.
  for (let attempt = 1; ; attempt++) {
    try {
      await hoverToken(page, 's := Summary{}', 's', /moved to the heap/, 60_000);
      break;
    } catch (e) {
      if (attempt === 3) throw e;
      await page.waitForTimeout(1000);
    }
  }
  await page.mouse.move(5, 5);
}

/**
 * Double-clicks the frame at `fraction` of the row above the root (flame orientation:
 * the top row of a one-level tree) and returns what the status line then says about
 * `name`. A click also zooms: clicking the root row afterwards zooms back out.
 */
async function doubleClickFrame(page: Page, fraction: number, name: string): Promise<string> {
  const view = activeWebview(page);
  const canvas = view.locator('#canvas');
  const box = (await canvas.boundingBox())!;
  const status = view.locator('#status');
  await page.mouse.dblclick(box.x + box.width * fraction, box.y + 9);
  const deadline = Date.now() + 20_000;
  for (;;) {
    const now = (await status.textContent()) ?? '';
    if (now.includes(name) && !now.startsWith('Opening ')) {
      await page.mouse.click(box.x + box.width / 2, box.y + box.height - 9);
      return now;
    }
    if (Date.now() > deadline) throw new Error(`no answer about ${name} in the status line (still "${now}")`);
    await page.waitForTimeout(100);
  }
}

describe('hostile profiles in the editor', () => {
  test('the hover answers before any hostile file is opened', async () => {
    await hoverAnswers(wb.page);
  });

  test('item 1: 250 MB of empty strings in 255 KB does not take the extension host down', async () => {
    const { page } = wb;
    await openFromExplorer(page, HOSTILE.emptyStrings);
    await runCommand(page, 'View: Keep Editor');
    // Whatever the decoder's fate (refused, or stopped at its memory limit), the
    // host lives: the hover answers while and after it runs.
    await hoverAnswers(page);
    await page.locator('.tabs-container .tab', { hasText: HOSTILE.emptyStrings }).click();
    const msg = activeWebview(page).locator('#message');
    await msg.waitFor({ state: 'visible', timeout: 150_000 });
    const text = (await msg.textContent()) ?? '';
    assert.match(text, /empty-strings-250mb\.pb\.gz/);
    await screenshot(page, 'ui-hostile-empty-strings');
    await hoverAnswers(page);
    // One profile tab at a time from here on (the webview locator expects one).
    await page.locator('.tabs-container .tab', { hasText: HOSTILE.emptyStrings }).click();
    await runCommand(page, 'View: Close Editor');
  });

  test('item 1: a truncated profile is one sentence, and the host lives', async () => {
    const { page } = wb;
    await openFromExplorer(page, HOSTILE.truncated);
    const msg = activeWebview(page).locator('#message');
    await msg.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await msg.textContent()) ?? '', /Cannot read .*truncated\.pb\.gz as a pprof profile/);
    await hoverAnswers(page);
  });

  test('item 7: a stack 5,000 frames deep draws, and says how many frames are not drawn', async () => {
    const { page } = wb;
    await openFromExplorer(page, HOSTILE.deepStack);
    const view = activeWebview(page);
    await view.locator('#status', { hasText: 'Click a frame' }).waitFor({ timeout: 60_000 });
    const note = view.locator('#message.notice');
    await note.waitFor({ state: 'visible', timeout: 10_000 });
    assert.match((await note.textContent()) ?? '', /Stacks here are 5,000 frames deep: the first [\d,]+ levels are drawn, [\d,]+ more frames are not/);
    const canvas = view.locator('#canvas');
    const height = await canvas.evaluate((c) => (c as unknown as { height: number }).height);
    assert.ok(height > 0 && height <= 32767, `canvas is ${height} px tall`);
    // The bottom of the flame (root and the first frames) is on screen: it must not be blank.
    const chart = view.locator('#chart');
    await chart.evaluate((el) => { el.scrollTop = el.scrollHeight; });
    const img = decodePng(await chart.screenshot());
    const hist = [...colourHistogram(img).entries()].sort((a, b) => b[1] - a[1]);
    const drawn = img.width * img.height - hist[0][1];
    await screenshot(page, 'ui-hostile-deep-stack');
    assert.ok(drawn > img.width * img.height * 0.05, `only ${drawn} of ${img.width * img.height} pixels drawn on`);
    await hoverAnswers(page);
  });

  test('item 14: frames naming /etc/passwd, $GOROOT/../.., /proc/self/environ and /dev/zero do not open', async () => {
    const { page } = wb;
    await openFromExplorer(page, HOSTILE.forbiddenFrames);
    await activeWebview(page).locator('#status', { hasText: 'Click a frame' }).waitFor({ timeout: 60_000 });
    // Five frames under the root, sorted by name, widths 1:2:3:4:5 of 15.
    const centres = [0.5, 2, 4.5, 8, 12.5].map((c) => c / 15);
    for (const [i, c] of centres.entries()) {
      const said = await doubleClickFrame(page, c, `evil.f${i}`);
      assert.match(said, /cannot open the source of evil\.f\d: (not opened: outside the workspace|not opened: .* is not a regular file|"[^"]+" was not found on this machine)/, said);
    }
    const tabs = (await page.locator('.tabs-container .tab').allTextContents()).join(' | ');
    assert.doesNotMatch(tabs, /passwd|environ|zero/, tabs);
    await hoverAnswers(page);
  });
});
