// The profile tab as a person sees it: a heap profile written by the example's
// loadgen opens from the explorer as a flamegraph whose pixels are really drawn,
// and double-clicking one of the example's frames opens its source line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { colourHistogram, decodePng } from './png';
import { activeWebview, openFromExplorer, screenshot, type Workbench, openWorkbench } from './workbench';

describe('flamegraph editor in VS Code', () => {
  let wb: Workbench;
  before(async () => { wb = await openWorkbench(); });
  after(async () => { await wb?.close(); });

  test('opening heap.pb.gz from the explorer draws a flamegraph', async () => {
    const { page } = wb;
    await openFromExplorer(page, 'heap.pb.gz');
    const view = activeWebview(page);
    const canvas = view.locator('#canvas');
    await canvas.waitFor({ timeout: 30_000 });
    // The footer switches from "Loading profile…" once the tree is drawn.
    await view.locator('#status', { hasText: 'Click a frame' }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'ui-flamegraph');
    const img = decodePng(await canvas.screenshot());
    assert.ok(img.width > 300 && img.height > 60, `canvas is ${img.width}x${img.height}`);
    const hist = [...colourHistogram(img).entries()].sort((a, b) => b[1] - a[1]);
    const total = img.width * img.height;
    const background = hist[0][1];
    // Boxes: several distinct colours, each over a visible area, together a real share of the canvas.
    const boxColours = hist.slice(1).filter(([, n]) => n > total * 0.002);
    assert.ok(boxColours.length >= 4, `only ${boxColours.length} box colours drawn`);
    assert.ok(total - background > total * 0.05, `only ${(100 * (total - background) / total).toFixed(1)}% of the canvas is drawn on`);
  });

  test('double-clicking a catalog frame opens catalog.go at that line', async () => {
    const { page } = wb;
    const view = activeWebview(page);
    const canvas = view.locator('#canvas');
    const box = await canvas.boundingBox();
    assert.ok(box, 'canvas has a box');
    const tip = view.locator('#tooltip');
    // Find a frame of the example's catalog package as a person would: point at
    // frames and read the tooltip. Rows are scanned from the root (bottom) up.
    let found: { x: number; y: number; name: string; line: number } | undefined;
    scan: for (let y = box.y + box.height - 8; y > box.y; y -= 9) {
      for (const fx of [0.05, 0.2, 0.35, 0.5, 0.65, 0.8, 0.95]) {
        const x = box.x + box.width * fx;
        await page.mouse.move(x, y);
        const { hidden, name, loc } = await tip.evaluate((el) => ({
          hidden: (el as { hidden?: boolean }).hidden === true,
          name: el.querySelector('.fn')?.textContent ?? '',
          loc: el.querySelector('.loc')?.textContent ?? '',
        }));
        if (hidden) continue;
        const m = /catalog\.go:(\d+)$/.exec(loc);
        if (name.includes('catalog.') && m) { found = { x, y, name, line: Number(m[1]) }; break scan; }
      }
    }
    assert.ok(found, 'a frame of example.com/shop/catalog is drawn and has a tooltip with its catalog.go line');
    await screenshot(page, 'ui-flamegraph-tooltip');
    await page.mouse.dblclick(found.x, found.y);
    await page.locator('.tabs-container .tab.active', { hasText: 'catalog.go' }).waitFor({ timeout: 30_000 });
    await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${found.line},` }).waitFor({ timeout: 30_000 });
    await screenshot(page, 'ui-flamegraph-source');
  });
});
