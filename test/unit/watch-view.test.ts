// The live view's page and messages: strict CSP with a nonce, names escaped,
// anything unexpected from the webview dropped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWatchHtml } from '../../client/src/watch/liveHtml';
import { parseFromWatchView } from '../../server/src/protocol/watchView';

test('the live view page locks scripts to its nonce and escapes the title', () => {
  const html = buildWatchHtml({ cspSource: 'vscode-resource:', scriptUri: 'x/watch.js', styleUri: 'x/watch.css', title: 'Heap watch of http://h/"><script>alert(1)</script>', nonce: 'N0NCE' });
  assert.ok(html.includes('content="default-src &#39;none&#39;; img-src vscode-resource:; style-src vscode-resource:; script-src &#39;nonce-N0NCE&#39;;"'));
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.match(html, /<script nonce="N0NCE" src="x\/watch.js"><\/script>/);
  assert.ok(html.includes('&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;'));
  assert.doesNotMatch(html, /https?:\/\/(?!h\/)/, 'nothing remote');
});

test('messages from the live view are checked', () => {
  assert.deepEqual(parseFromWatchView({ type: 'open', uri: 'file:///w/leaks.go', line: 3 }), { type: 'open', uri: 'file:///w/leaks.go', line: 3 });
  assert.deepEqual(parseFromWatchView({ type: 'setBase', seq: 4 }), { type: 'setBase', seq: 4 });
  assert.deepEqual(parseFromWatchView({ type: 'stop', extra: 1 }), { type: 'stop' });
  for (const bad of [null, 'open', { type: 'open', uri: 'https://evil/', line: 1 }, { type: 'open', uri: 'file:///x', line: 0 }, { type: 'setBase', seq: '4' }, { type: 'eval' }]) {
    assert.equal(parseFromWatchView(bad), undefined, JSON.stringify(bad));
  }
});
