// The editor's outline cache (server/src/lsp/outlineCache.ts) with real Go helpers: it
// answers from the cache for the same text, reads a changed text again, tells every file
// that asked once the reads it waits on settle, and when the helper cannot be built it
// says so once, marks the texts failed and does not ask again until settings change.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { GoHelper } from '../../server/src/fixes/goHelper';
import { OutlineCache } from '../../server/src/lsp/outlineCache';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-outline-cache-'));
const caches: OutlineCache[] = [];
after(() => {
  for (const c of caches) c.dispose();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function cache(newHelper?: (goBin: string) => GoHelper) {
  const ready: string[] = [];
  const warnings: string[] = [];
  const logs: string[] = [];
  let notify: (() => void) | undefined;
  const c = new OutlineCache({
    goBinFor: async () => 'go',
    onReady: (file) => { ready.push(file); notify?.(); },
    log: (l) => logs.push(l),
    warn: (m) => warnings.push(m),
    newHelper,
  });
  caches.push(c);
  /** Resolves once `n` files in all have been told. */
  const told = (n: number) => new Promise<void>((resolve) => {
    notify = () => { if (ready.length >= n) resolve(); };
    notify();
  });
  return { c, ready, warnings, logs, told };
}

const a = { path: '/m/p/a.go', text: 'package p\n\n//heaplens:noalloc\nfunc A() int { return b() }\n' };
const b = { path: '/m/p/b.go', text: 'package p\n\nfunc b() int { return 1 }\n' };

test('cached by text: a pending file is read once, every file that asked is told once, a new text is read again', async () => {
  const { c, ready, told } = cache();
  assert.equal(c.state(a.path, a.text), 'pending');
  c.request(a.path, [a, b]);
  c.request(a.path, [a, b]); // asking again while waiting: still one notice
  c.request(b.path, [b, a]); // b's read is already on its way: b waits on it
  await told(2);
  assert.deepEqual(ready.sort(), [a.path, b.path]);
  const o = c.state(a.path, a.text);
  assert.ok(typeof o === 'object');
  assert.deepEqual(o.funcs.map((f) => `${f.name}:${f.line}`), ['A:4']);
  assert.deepEqual(o.comments.map((x) => `${x.line}:${x.text}`), ['3://heaplens:noalloc']);
  // Known texts: nothing to read, nobody told.
  c.request(a.path, [a, b]);
  const edited = { ...a, text: a.text.replace('func A', '\nfunc A') };
  assert.equal(c.state(edited.path, edited.text), 'pending');
  c.request(a.path, [edited, b]);
  await told(3);
  assert.equal(ready.length, 3);
  const again = c.state(edited.path, edited.text);
  assert.ok(typeof again === 'object');
  assert.equal(again.funcs[0].line, 5);
});

test('a helper that cannot be built: the file is told, its text is failed, one warning, no retry until settings change', async () => {
  const src = path.join(tmp, 'broken');
  fs.mkdirSync(src);
  fs.writeFileSync(path.join(src, 'go.mod'), 'module broken\n\ngo 1.21\n');
  fs.writeFileSync(path.join(src, 'main.go'), 'package main\n\nfunc main() { undefined() }\n');
  let built = 0;
  const { c, ready, warnings, logs, told } = cache(() => { built++; return new GoHelper({ sourceDir: src, cacheDir: path.join(tmp, 'cache') }); });
  c.request(a.path, [a]);
  await told(1);
  assert.equal(c.state(a.path, a.text), 'failed');
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /^HeapLens: assertions in comments are not checked: could not build the quick-fix helper .*undefined: undefined/);
  assert.ok(logs.some((l) => /not checked: Go's parser could not be run/.test(l)), logs.join('\n'));
  // The same text is not asked for again (the decorator would otherwise loop).
  c.request(a.path, [a]);
  assert.equal(ready.length, 1);
  c.retryFailed();
  assert.equal(c.state(a.path, a.text), 'pending');
  c.request(a.path, [a]);
  await told(2);
  assert.equal(c.state(a.path, a.text), 'failed');
  assert.equal(warnings.length, 1, 'the same failure is not shown twice');
  assert.equal(built, 1, 'one helper for one go');
});
