// Screenshots for docs (not a test): a busy real file, zap's zapcore/json_encoder.go
// (go.uber.org/zap from the module proxy), in a real VS Code, before and after the
// signal work of issue 12. "Before" is every finding kind shown, cold paths too (what
// 0.1 showed); "after" is the default settings, with the Allocations view open.
//
//   npx tsc -p . && node out/test/ui/signalScreenshots.js ZAP_MODULE_DIR
//
// Writes docs/images/signal-before.png and docs/images/signal-after.png.
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../vscode/host/codeServer';
import { openWorkbench, type Workbench } from './workbench';

const ALL_KINDS = ['moved-to-heap', 'escapes-to-heap', 'does-not-escape', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result',
  'can-inline', 'cannot-inline', 'inlining-call', 'devirtualized', 'closure-capture', 'bounds-check-elided', 'zero-copy-conversion', 'loop-var',
  'inline-budget', 'self-assignment', 'unsafe-uintptr', 'no-alloc-conversion', 'kept-alive', 'imprecise-call', 'unknown'];

async function shoot(zap: string, name: string, settings: Record<string, unknown>, showView: boolean): Promise<void> {
  const wb: Workbench = await openWorkbench((ws) => {
    cpSync(zap, join(ws, 'zap'), { recursive: true });
    mkdirSync(join(ws, '.vscode'), { recursive: true });
    writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ ...settings, 'workbench.colorTheme': 'Default Dark Modern', 'editor.minimap.enabled': false }, null, 2));
  });
  const { page } = wb;
  try {
    await page.setViewportSize({ width: 1600, height: 1000 });
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input').fill('zap/zapcore/json_encoder.go');
    await page.locator('.quick-input-widget .monaco-list-row', { hasText: 'json_encoder.go' }).first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tabs-container .tab.active', { hasText: 'json_encoder.go' }).waitFor({ timeout: 30_000 });
    // Diagnostics drawn: squiggles or, for hints, their dots.
    await page.locator('.view-overlays .squiggly-info, .view-overlays .squiggly-hint, .view-overlays .squiggly-warning').first().waitFor({ timeout: 240_000 });
    await page.keyboard.press('Control+G');
    await page.locator('.quick-input-widget input').fill(':236');
    await page.keyboard.press('Enter');
    // The Problems panel's count, for the reader.
    await page.keyboard.press('Control+Shift+M');
    await page.locator('.markers-panel').waitFor({ timeout: 30_000 });
    if (showView) {
      // The folders pane collapsed, so the view has the height of the sidebar.
      await page.locator('.pane-header', { hasText: /^\s*shop/i }).first().click();
      await page.locator('.pane-header', { hasText: 'HeapLens: Allocations' }).click();
      await page.locator('.monaco-list-row', { hasText: 'go.uber.org/zap/zapcore' }).first().waitFor({ timeout: 60_000 });
    }
    await page.waitForTimeout(1500); // let the last decorations paint before the picture
    mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
    await page.screenshot({ path: join(repoRoot, 'docs', 'images', `${name}.png`) });
  } finally {
    await wb.close();
  }
}

async function main(): Promise<void> {
  const zap = process.argv[2];
  if (!zap) throw new Error('usage: node out/test/ui/signalScreenshots.js ZAP_MODULE_DIR');
  const only = process.argv[3]; // 'before' or 'after' to take one
  if (only !== 'after') await shoot(zap, 'signal-before', { 'heaplens.kinds': ALL_KINDS, 'heaplens.coldAllocations': 'show' }, false);
  if (only !== 'before') await shoot(zap, 'signal-after', {}, true);
}

main().catch((e: unknown) => { console.error(e); process.exit(1); });
