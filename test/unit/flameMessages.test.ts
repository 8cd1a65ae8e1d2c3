// The webview boundary: the HTML/CSP builder, message validation on both ends,
// and the tree the extension sends for a real profile written now by the example.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { buildWebviewHtml, contentSecurityPolicy, escapeHtml } from '../../client/src/profileEditor/html';
import { toFlameTree } from '../../client/src/profileEditor/flameTree';
import { incompatible, isLoaded, loadProfile, profileMessage, type LoadedProfile } from '../../client/src/profileEditor/load';
import { functionTable } from '../../media/src/flamegraph/transform';
import { parseFromWebview, parseToWebview, validateTree } from '../../server/src/protocol/webview';

const exampleDir = path.resolve(__dirname, '..', '..', '..', 'examples', 'shop');
let tmp = '';
let heap: LoadedProfile;
let small: LoadedProfile;

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-flamemsg-'));
  const gen = (name: string, rounds: string) => {
    const out = path.join(tmp, name);
    const r = spawnSync('go', ['run', './cmd/loadgen', '-o', out, '-rate', '1024', '-rounds', rounds], { cwd: exampleDir, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const l = loadProfile(fs.readFileSync(out), out);
    assert.ok(isLoaded(l));
    return l;
  };
  heap = gen('heap.pb.gz', '1000');
  small = gen('small.pb.gz', '100');
});
after(() => { if (tmp) fs.rmSync(tmp, { recursive: true, force: true }); });

test('the HTML has a nonce-locked script, a strict CSP and escaped text', () => {
  const html = buildWebviewHtml({
    cspSource: 'https://file+.vscode-resource.vscode-cdn.net',
    scriptUri: 'https://x/media/out/flamegraph.js', styleUri: 'https://x/media/flamegraph.css',
    title: '<script>alert("x")</script>&mem.out', nonce: 'abc123',
  });
  assert.ok(html.includes(escapeHtml(contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'abc123'))));
  assert.match(contentSecurityPolicy('S', 'N'), /^default-src 'none'; img-src S; style-src S; script-src 'nonce-N';$/);
  assert.equal((html.match(/<script/g) ?? []).length, 1);
  assert.ok(html.includes('<script nonce="abc123" src="https://x/media/out/flamegraph.js"></script>'));
  assert.ok(!html.includes('alert("x")</script>'));
  assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;mem.out'));
  assert.doesNotMatch(html, /https?:\/\/(?!x\/|file\+)/, 'no remote content');
  // Two pages never share a nonce.
  const a = buildWebviewHtml({ cspSource: 's', scriptUri: 'j', styleUri: 'c', title: 't' });
  const b = buildWebviewHtml({ cspSource: 's', scriptUri: 'j', styleUri: 'c', title: 't' });
  assert.notEqual(/nonce="([^"]+)"/.exec(a)![1], /nonce="([^"]+)"/.exec(b)![1]);
});

test('messages from the webview are validated, unknown ones dropped', () => {
  assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
  assert.deepEqual(parseFromWebview({ type: 'openSource', file: '/a.go', line: 3, name: 'f', extra: 1 }), { type: 'openSource', file: '/a.go', line: 3, name: 'f' });
  assert.equal(parseFromWebview({ type: 'openSource', file: '/a.go', line: -1, name: 'f' }), undefined);
  assert.equal(parseFromWebview({ type: 'openSource', file: 7, line: 1, name: 'f' }), undefined);
  assert.equal(parseFromWebview({ type: 'runShell', cmd: 'rm -rf /' }), undefined);
  assert.equal(parseFromWebview(null), undefined);
  assert.equal(parseFromWebview('ready'), undefined);
});

test('a real profile becomes a valid compact tree whose totals match the engine', () => {
  const m = profileMessage(heap);
  assert.equal(m.type, 'profile');
  if (m.type !== 'profile') return;
  assert.deepEqual(m.meta.sampleTypes.map((s) => s.type), ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  assert.equal(m.meta.sampleTypes[m.meta.defaultSampleType].type, 'alloc_space');
  assert.equal(m.meta.period, 1024);
  assert.equal(m.meta.source, heap.source);
  assert.ok(m.meta.timeMs > Date.now() - 3600_000);
  for (let t = 0; t < 4; t++) assert.equal(m.tree.cum[t][0], heap.agg.totals[t]);
  // Fewer nodes than samples would need: aggregated, never per sample.
  assert.ok(m.tree.parent.length <= heap.agg.tree.count);
  // Round trip through validation, as typed arrays (VS Code) and as plain JSON arrays.
  const ok = parseToWebview(m);
  assert.equal(typeof ok, 'object');
  const json = JSON.parse(JSON.stringify(m, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v)));
  const back = parseToWebview(json);
  assert.ok(typeof back === 'object' && back.type === 'profile');
  if (typeof back === 'object' && back.type === 'profile') assert.deepEqual([...back.tree.cum[1]], [...m.tree.cum[1]]);
  // Every frame of the example names its function, file and line.
  const render = m.tree.names.indexOf('example.com/shop/catalog.Render');
  assert.ok(render >= 0);
  const node = m.tree.name.indexOf(render);
  assert.match(m.tree.files[m.tree.file[node]], /examples\/shop\/catalog\/catalog\.go$/);
  assert.ok(m.tree.line[node] > 0);
});

test('the heaviest-first tree, uncut, is the whole function tree of the engine', () => {
  const whole = heap.agg.tree;
  const { tree: heavy, complete } = heap.agg.heavyTree(Infinity);
  assert.ok(complete);
  assert.equal(heavy.count, whole.count);
  // Nodes are matched by their path of functions; everything else must agree.
  const byPath = (tr: typeof whole) => {
    const path = new Array<string>(tr.count);
    const rows = new Map<string, string>();
    path[0] = '';
    for (let n = 1; n < tr.count; n++) {
      path[n] = `${path[tr.parent[n]]}/${tr.fn[n]}`;
      rows.set(path[n], JSON.stringify([tr.name[n], tr.file[n], tr.line[n], tr.inlined[n], tr.depth[n], ...tr.self.map((a) => a[n]), ...tr.total.map((a) => a[n])]));
    }
    return rows;
  };
  assert.deepEqual(byPath(heavy), byPath(whole));
  for (let t = 0; t < 4; t++) assert.equal(heavy.total[t][0], whole.total[t][0]);
});

test('past the frame limit only the heaviest frames are sent, and the table still adds up to the whole profile', () => {
  const full = toFlameTree(heap.agg);
  assert.equal(full.hidden, undefined);
  const limit = Math.floor(full.parent.length / 4);
  const cut = toFlameTree(heap.agg, undefined, limit);
  assert.ok(cut.hidden, 'a cut tree says what it left out');
  assert.equal(cut.parent.length, limit);
  // The frames drawn are the heaviest: the share left out is the next heaviest
  // frame's in the whole tree, and no drawn frame weighs less.
  const weight = (tr: { cum: Float64Array[] }, n: number) => Math.max(...tr.cum.map((c) => Math.abs(c[n]) / c[0]));
  const all = Array.from({ length: full.parent.length - 1 }, (_, i) => weight(full, i + 1)).sort((a, b) => b - a);
  const share = cut.hidden.share ?? NaN;
  assert.ok(Math.abs(share - all[limit - 1]) < 1e-12, `left out ${share}, next heaviest ${all[limit - 1]}`);
  for (let n = 1; n < cut.parent.length; n++) assert.ok(weight(cut, n) >= share);
  assert.equal(typeof validateTree(JSON.parse(JSON.stringify(cut, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v))), 4), 'object');
  for (let t = 0; t < 4; t++) {
    assert.equal(cut.cum[t][0], full.cum[t][0], 'the root keeps the whole total');
    const rows = (tree: typeof full) => new Map(functionTable(tree, t).map((r) => [tree.names[r.name], [r.flat, r.cum]]));
    const want = rows(full), got = rows(cut);
    assert.deepEqual([...got.keys()].sort(), [...want.keys()].sort());
    for (const [name, [flat, cum]] of want) {
      assert.ok(Math.abs(got.get(name)![0] - flat) <= 1e-6 * Math.abs(flat) + 1e-9, `${name} flat`);
      assert.ok(Math.abs(got.get(name)![1] - cum) <= 1e-6 * Math.abs(cum) + 1e-9, `${name} cum`);
    }
  }
  // What the webview is told: how many frames are drawn and how many are not.
  const m = profileMessage(heap);
  assert.ok(m.type === 'profile' && !(m.meta.notes ?? []).some((n) => /left out/.test(n)), 'a small profile is drawn whole');
});

test('malformed trees and metadata are refused with a reason', () => {
  const m = profileMessage(heap);
  if (m.type !== 'profile') throw new Error('no profile');
  const broken = { ...m.tree, parent: Int32Array.from(m.tree.parent, (p, i) => (i === 3 ? 7 : p)) };
  assert.match(validateTree(broken, 4) as string, /node 3 breaks preorder/);
  assert.match(validateTree({ ...m.tree, cum: m.tree.cum.slice(1) }, 4) as string, /sample types/);
  assert.match(validateTree({ ...m.tree, name: m.tree.name.map((x, i) => (i === 2 ? 99999 : x)) }, 4) as string, /missing string/);
  assert.match(parseToWebview({ type: 'profile', meta: { ...m.meta, sampleTypes: [] }, tree: m.tree }) as string, /no sample types/);
  assert.match(parseToWebview({ type: 'nope' }) as string, /unknown message type nope/);
  assert.deepEqual(parseToWebview({ type: 'error', message: 'x' }), { type: 'error', message: 'x' });
});

test('compare: a union tree with base values; incompatible profiles are explained', () => {
  const d = profileMessage(heap, small);
  assert.equal(d.type, 'profile');
  if (d.type !== 'profile') return;
  assert.equal(d.meta.baseSource, small.source);
  assert.ok(d.tree.baseCum && d.tree.baseSelf);
  for (let t = 0; t < 4; t++) {
    assert.equal(d.tree.cum[t][0], heap.agg.totals[t]);
    assert.equal(d.tree.baseCum![t][0], small.agg.totals[t]);
  }
  assert.equal(typeof parseToWebview(d), 'object');
  assert.equal(incompatible(heap, small), undefined);
  const cpuLike = { ...small, profile: { ...small.profile, sampleTypes: [{ type: 'samples', unit: 'count' }, { type: 'cpu', unit: 'nanoseconds' }] } };
  assert.match(incompatible(heap, cpuLike)!, /Cannot compare: .* has sample types \[samples\/count, cpu\/nanoseconds\]/);
});

test('bad files give one clear line, never a throw', () => {
  const bytes = fs.readFileSync(heap.source);
  const cases: [Uint8Array, RegExp][] = [
    [new Uint8Array(0), /is empty \(0 bytes\)/],
    [bytes.subarray(0, bytes.length >> 1), /Cannot read .* as a pprof profile: .*(truncated|corrupt)/],
    [Buffer.from('# not a profile\nfoo 1\n'), /Cannot read .* as a pprof profile/],
  ];
  for (const [b, re] of cases) {
    const m = profileMessage(loadProfile(b, 'x.pb.gz'));
    assert.equal(m.type, 'error');
    if (m.type === 'error') { assert.match(m.message, re); assert.ok(!m.message.includes('\n')); }
  }
});
