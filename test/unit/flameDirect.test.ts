// The editor's decode job reads a plain protobuf's samples where they lie
// (loadForFlame, directFlame.ts): the webview gets the same message as from the
// decoded profile, and whatever the direct reading gives way on (a tree growing
// with every sample, legacy text, garbage) takes the ordinary path, words included.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { decodeSteps } from '../../client/src/profileEditor/decodeJob';
import { toFlameTree } from '../../client/src/profileEditor/flameTree';
import { isLoaded, loadForFlame, loadProfile, profileMessage } from '../../client/src/profileEditor/load';
import { functionTable } from '../../media/src/flamegraph/transform';
import { directFlame } from '../../server/src/profile/directFlame';
import { openTables } from '../../server/src/profile/open';
import { parseToWebview, type FlameTree, type ToWebview } from '../../server/src/protocol/webview';
import { encodeProfile, tinyHeapProfile, type ProtoSample } from '../helpers/profileProto';
import { canonicalTree } from '../helpers/directCompare';
import { rng } from '../helpers/profileSynth';

const dir = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'profiles');
const fixtures = ['allocs.pb.gz', 'cpu.pb.gz', 'deep.pb.gz', 'goroutine.pb.gz', 'heap.pb.gz', 'pprof-format-node.pb.gz', 'shop.pb.gz', 'gotypes.mem.out'];

function profileOf(m: ToWebview): Extract<ToWebview, { type: 'profile' }> {
  assert.equal(m.type, 'profile');
  return m as Extract<ToWebview, { type: 'profile' }>;
}

test('real profiles: the message read where the samples lie equals the decoded one', () => {
  // All but npm's pprof-format fixture: its 6,000 stacks are random, each sharing no
  // prefix with the one before (small profiles are read directly in any order).
  const direct = new Set(fixtures.filter((f) => f !== 'pprof-format-node.pb.gz'));
  for (const f of fixtures) {
    const bytes = fs.readFileSync(path.join(dir, f));
    const r = loadForFlame(bytes, f);
    assert.equal(directFlame(openTables(bytes)!, 150_000) !== null, direct.has(f), `${f}: its tree is ${direct.has(f) ? 'read directly' : 'built the ordinary way'}`);
    assert.ok('message' in r, `${f}: a message (the ordinary tree takes the first pass's table)`);
    const ordinary = loadProfile(bytes, f);
    assert.ok(isLoaded(ordinary));
    const a = profileOf(r.message), b = profileOf(profileMessage(ordinary));
    assert.deepEqual(a.meta, b.meta, `${f}: meta`);
    assert.deepEqual(canonicalTree(a.tree), canonicalTree(b.tree), `${f}: tree`);
    assert.deepEqual(r.files, ordinary.agg.files, `${f}: files`);
  }
});

test('cut to a few hundred frames: as heavy as the decoded path\'s, and the table still adds up', () => {
  const bytes = fs.readFileSync(path.join(dir, 'gotypes.mem.out'));
  const limit = 400;
  const direct = loadForFlame(bytes, 'gotypes.mem.out', limit);
  assert.ok('message' in direct);
  const cut = profileOf(direct.message).tree;
  const ordinary = loadProfile(bytes, 'gotypes.mem.out');
  assert.ok(isLoaded(ordinary));
  const other = toFlameTree(ordinary.agg, undefined, limit);
  const full = toFlameTree(ordinary.agg, undefined, Infinity);
  assert.equal(cut.parent.length, limit);
  assert.equal(cut.hidden?.share, other.hidden?.share, 'the same share is left out');
  // Frames heavier than what is left out are the same ones (ties at the cut may differ).
  const share = cut.hidden!.share!;
  const heavy = (t: FlameTree) => {
    const keys = new Set<string>();
    const at: string[] = [];
    for (let i = 0; i < t.parent.length; i++) {
      at[i] = `${i ? at[t.parent[i]] : ''}/${t.names[t.name[i]]}`;
      if (Math.max(...t.cum.map((c) => Math.abs(c[i]) / Math.abs(c[0]))) > share) keys.add(at[i]);
    }
    return keys;
  };
  assert.deepEqual(heavy(cut), heavy(other));
  for (let t = 0; t < cut.cum.length; t++) {
    const rows = (tree: FlameTree) => new Map(functionTable(tree, t).map((r) => [tree.names[r.name], [r.flat, r.cum]]));
    assert.deepEqual(rows(cut), rows(full), `type ${t}: the table of the cut tree is the whole profile's`);
  }
});

/** A heap profile of `samples` stacks, each `stack(s)` (location ids, leaf first) over functions 1..F. */
function synthetic(F: number, samples: number, stack: (s: number) => number[]): Uint8Array {
  const functions = Array.from({ length: F }, (_, i) => ({ id: i + 1, name: `example.com/synth.f${i}`, file: `/src/synth/f${i % 50}.go`, startLine: i }));
  const locations = functions.map((f) => ({ id: f.id, lines: [{ functionId: f.id, line: f.startLine + 3 }] }));
  const list: ProtoSample[] = [];
  for (let s = 0; s < samples; s++) list.push({ locationIds: stack(s), values: [1, 64, s % 3 ? 0 : 1, s % 3 ? 0 : 64], bytes: 64 });
  return gzipSync(encodeProfile({ ...tinyHeapProfile(), functions, locations, samples: list }));
}

test('trees a trie builds slowly take the ordinary path, to the same message', () => {
  const rand = rng(15);
  // Each sample a random six-deep path through 1,000 functions under the same twelve
  // callers: about five new nodes a sample, the shape heavyTree.ts cuts faster than a
  // trie builds it. The table is summed by runs (the callers are shared) and kept.
  const callers = Array.from({ length: 12 }, (_, i) => 1001 + i);
  const growing = synthetic(1012, 30_000, () => [...Array.from({ length: 6 }, () => 1 + Math.floor(rand() * 1000)), ...callers]);
  // 500 twelve-deep stacks, sampled in no order: few nodes, but each sample shares
  // nothing with the one before and looks up all its frames; its table would walk
  // every frame too, where the decoded path sums each distinct stack once.
  const stacks = Array.from({ length: 500 }, () => [...Array.from({ length: 11 }, () => 2 + Math.floor(rand() * 999)), 1]);
  const unordered = synthetic(1000, 30_000, () => stacks[Math.floor(rand() * stacks.length)]);
  for (const [name, bytes] of [['growing', growing], ['unordered', unordered]] as const) {
    assert.equal(directFlame(openTables(bytes)!, 150_000), null, `${name}: the trie gives way`);
    const r = loadForFlame(bytes, `${name}.pb.gz`);
    const ordinary = loadProfile(bytes, `${name}.pb.gz`);
    assert.ok(isLoaded(ordinary));
    const want = profileOf(profileMessage(ordinary));
    if (name === 'unordered') {
      assert.ok(!('message' in r) && isLoaded(r), `${name}: loaded the ordinary way, no table first`);
      assert.equal(decodeSteps({ current: { bytes, source: name } }).early(), undefined);
      assert.deepEqual(canonicalTree(profileOf(profileMessage(r)).tree), canonicalTree(want.tree), name);
      continue;
    }
    assert.ok('message' in r, `${name}: the ordinary tree, with the first pass's table`);
    assert.ok(decodeSteps({ current: { bytes, source: name } }).early(), `${name}: a table first`);
    assert.deepEqual(profileOf(r.message).meta, want.meta, name);
    assert.deepEqual(canonicalTree(profileOf(r.message).tree), canonicalTree(want.tree), name);
    // Cut: what the left-out frames hold comes from the first pass's table.
    const cut = loadForFlame(bytes, `${name}.pb.gz`, 300);
    assert.ok('message' in cut);
    const tree = profileOf(cut.message).tree;
    assert.ok(tree.hidden && tree.hidden.name.length > 0, `${name}: frames left out`);
    assert.deepEqual(canonicalTree(tree), canonicalTree(toFlameTree(ordinary.agg, undefined, 300)), `${name}: cut`);
  }
});

test('legacy text, garbage and empty input get loadProfile\'s own words', () => {
  const text = Buffer.from('heap profile: 1: 16 [1: 16] @ heap/1048576\n1: 16 [1: 16] @ 0x1\n');
  for (const bytes of [text, Buffer.from('not a profile at all'), Buffer.alloc(0), gzipSync(Buffer.from('garbage'))]) {
    const r = loadForFlame(bytes, 'x.pb.gz');
    assert.ok(!('message' in r));
    assert.deepEqual(isLoaded(r) ? profileMessage(r) : r, ((o) => (isLoaded(o) ? profileMessage(o) : o))(loadProfile(bytes, 'x.pb.gz')));
  }
});

test('the table sent while the call tree is built: every function\'s flat and cum, as in the final table', () => {
  // Every fixture read directly gives a table first; the others (random stacks,
  // a comparison) give none and only their answer.
  for (const f of fixtures) {
    const bytes = fs.readFileSync(path.join(dir, f));
    const steps = decodeSteps({ current: { bytes, source: f } });
    const early = steps.early();
    const final = steps.finish();
    assert.ok(final.ok, f);
    assert.ok(early?.ok, `${f}: a table comes first`);
    const e = profileOf(early.message), m = profileOf(final.message);
    assert.equal(e.building, true);
    assert.equal(m.building, undefined, `${f}: the answer is the graph`);
    assert.equal(typeof parseToWebview(e), 'object', `${f}: the page takes it`);
    assert.equal((parseToWebview(e) as { building?: boolean }).building, true);
    assert.equal(e.tree.parent.length, 1, `${f}: the root alone`);
    assert.deepEqual(early.files, final.files);
    assert.deepEqual(e.meta, m.meta, `${f}: the same header`);
    for (let t = 0; t < e.meta.sampleTypes.length; t++) {
      assert.equal(e.tree.cum[t][0], m.tree.cum[t][0], `${f}: total of type ${t}`);
      const rows = (tree: FlameTree) => new Map(functionTable(tree, t).map((r) => [tree.names[r.name], [r.flat, r.cum]]));
      assert.deepEqual(rows(e.tree), rows(m.tree), `${f}: table of type ${t}`);
    }
  }
  const cmp = decodeSteps({ current: { bytes: fs.readFileSync(path.join(dir, 'heap.pb.gz')), source: 'heap' }, base: { bytes: fs.readFileSync(path.join(dir, 'allocs.pb.gz')), source: 'allocs' } });
  assert.equal(cmp.early(), undefined, 'a comparison has no table first');
  const legacy = decodeSteps({ current: { bytes: Buffer.from('heap profile: 1: 8 [1: 8] @ heap/1048576\n1: 8 [1: 8] @ 0x1\n'), source: 'h.txt' } });
  assert.equal(legacy.early(), undefined, 'text is read the ordinary way');
  assert.ok(legacy.finish().ok);
});
