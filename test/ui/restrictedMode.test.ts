// Restricted Mode in a real VS Code 1.100.3 (issue 11, item 13): a profile opens and
// draws, a frame's source opens through mapping that needs no toolchain, and
// HeapLens starts no `go` at all (a stand-in `go` first on PATH records any call).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { encodeProfile } from '../helpers/profileProto';
import {
  copyExample, installVsix, launchChromium, makeRunDirs, removeRunDirs, startCodeServer, type Browser, type CodeServer, type RunDirs,
} from '../vscode/host/codeServer';
import { activeWebview, ensureVsix, openFromExplorer, screenshot, waitForContributions } from './workbench';

let dirs: RunDirs, server: CodeServer | undefined, browser: Browser | undefined, ws: string, goLog: string;

before(async () => {
  const vsix = await ensureVsix();
  dirs = makeRunDirs('ui-restricted');
  installVsix(dirs, vsix);
  ws = copyExample(dirs);
  // The folder asks for a toolchain go would download (GOTOOLCHAIN=auto): the trap of item 13.
  writeFileSync(join(ws, 'go.mod'), readFileSync(join(ws, 'go.mod'), 'utf8') + '\ntoolchain go1.99.0\n');
  // Frames: a workspace file by its module path (-trimpath), and files outside.
  const files = ['example.com/shop/catalog/catalog.go', '/etc/passwd', '$GOROOT/../../etc/passwd', '/proc/self/environ'];
  const functions = files.map((file, i) => ({ id: i + 1, name: `f${i}.frame`, file, startLine: 1 }));
  writeFileSync(join(ws, 'restricted.pb.gz'), zlib.gzipSync(encodeProfile({
    sampleTypes: [['alloc_space', 'bytes']], functions,
    locations: functions.map((f) => ({ id: f.id, lines: [{ functionId: f.id, line: 20 }] })),
    samples: functions.map((f) => ({ locationIds: [f.id], values: [4096] })),
  })));
  const bin = join(dirs.root, 'fake-bin');
  mkdirSync(bin, { recursive: true });
  goLog = join(dirs.root, 'go-calls.log');
  writeFileSync(join(bin, 'go'), `#!/bin/sh\necho "$@" >> '${goLog}'\nexit 1\n`, { mode: 0o755 });
  dirs.env.PATH = `${bin}:${dirs.env.PATH ?? ''}`;
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify({
    ...JSON.parse(readFileSync(join(dirs.userData, 'User', 'settings.json'), 'utf8')),
    'security.workspace.trust.enabled': true,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.banner': 'always',
  }, null, 2));
  server = await startCodeServer({ dirs, restricted: true });
  browser = await launchChromium(dirs);
  await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(ws)}`, { waitUntil: 'domcontentloaded', timeout: 60_000 });
  await browser.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  await browser.page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
  await waitForContributions(browser.page);
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dirs) removeRunDirs(dirs);
});

test('in Restricted Mode a profile draws, sources map without go, and no go process starts', async () => {
  const page = browser!.page;
  await page.locator('text=Restricted Mode').first().waitFor({ timeout: 30_000 });
  await openFromExplorer(page, 'restricted.pb.gz');
  const view = activeWebview(page);
  const status = view.locator('#status');
  await view.locator('#status', { hasText: 'Click a frame' }).waitFor({ timeout: 60_000 });
  const said: string[] = [];
  // f0 (a workspace file by module path) opens; f1-f3 (outside files) must not. Their
  // refusal messages are checked in hostileProfiles.test.ts; here, only that no tab opens.
  for (let i = 0; i < 4; i++) {
    // Opening a source splits the editor (ViewColumn.Beside): measure the canvas each time.
    // Ctrl+click opens a frame's source without zooming (a plain click zooms, which
    // would move the next frame out from under the pointer).
    const canvas = view.locator('#canvas');
    const box = (await canvas.boundingBox())!;
    let now = '';
    for (let attempt = 0; attempt < 3 && !(now.includes(`f${i}.frame`) && !now.startsWith('Opening ')); attempt++) {
      await canvas.click({ modifiers: ['Control'], position: { x: box.width * ((i + 0.5) / 4), y: 9 } });
      const deadline = Date.now() + 7000;
      while (Date.now() < deadline) {
        now = (await status.textContent()) ?? '';
        if (now.includes(`f${i}.frame`) && !now.startsWith('Opening ')) break;
        await page.waitForTimeout(100);
      }
    }
    said.push(now);
    // Opening a source moves focus to its tab: come back to the profile.
    await page.locator('.tabs-container .tab', { hasText: 'restricted.pb.gz' }).first().click();
  }
  await screenshot(page, 'ui-restricted-mode');
  assert.match(said[0], /^Opened .*\/catalog\/catalog\.go:20 \(f0\.frame\)$/, said[0]);
  for (const s of said.slice(1)) assert.doesNotMatch(s, /^Opened .*(passwd|environ)/, s);
  const tabs = (await page.locator('.tabs-container .tab').allTextContents()).join(' | ');
  assert.match(tabs, /catalog\.go/);
  assert.doesNotMatch(tabs, /passwd|environ/, tabs);
  assert.equal(existsSync(goLog) ? readFileSync(goLog, 'utf8') : '', '', 'HeapLens ran go in Restricted Mode');
});
