// The direct reading of a profile's samples (directAggregate.ts, and the editor's
// flameSteps: its table and its graph) against the ordinary decode + aggregate: shared by
// their own tests and the fuzz suite.
import assert from 'node:assert/strict';
import { compactForServer, overlaysFromBytes } from '../../server/src/hotspots/loadJob';
import { aggregate } from '../../server/src/profile/aggregate';
import { directAggregates } from '../../server/src/profile/directAggregate';
import { toFlameTree } from '../../client/src/profileEditor/flameTree';
import { flameSteps } from '../../client/src/profileEditor/load';
import { functionTable } from '../../media/src/flamegraph/transform';
import { inlineMarks } from '../../server/src/profile/inlineMarks';
import type { FlameTree } from '../../server/src/protocol/webview';
import { ProfileError } from '../../server/src/profile/model';
import { openProfile, openTables } from '../../server/src/profile/open';

export type DirectOutcome = 'same' | 'declined' | 'refused';

/** Frames drawn at most in these comparisons: smaller than the editor's, so cut trees are met too. */
const FLAME_NODES = 5000;

/** A flamegraph tree as names and numbers in preorder: string tables may be numbered differently. */
export function canonicalTree(t: FlameTree): string[] {
  const rows: string[] = [];
  for (let i = 0; i < t.parent.length; i++) {
    rows.push([t.names[t.name[i]], t.files[t.file[i]], t.line[i], t.parent[i], t.size[i], ...t.cum.map((c) => c[i]), ...t.self.map((c) => c[i])].join('|'));
  }
  if (t.hidden) {
    const h = t.hidden;
    rows.push(`share ${h.share}`, ...Array.from(h.name, (n, r) => [t.names[n], ...h.flat.map((a) => a[r]), ...h.cum.map((a) => a[r])].join('|')).sort());
  }
  return rows;
}

/**
 * Direct and ordinary agree: when the direct reading answers, the ordinary path
 * decodes the same file to the same functions, lines, totals and inline markers
 * (exactly, every sample type); when the ordinary path refuses, the direct one
 * declines. 'declined': the direct reading handed the file back. `cpu` adds up the
 * CPU time of the direct readings alone.
 */
export function compareDirect(name: string, bytes: Uint8Array, cpu = { seconds: 0 }): DirectOutcome {
  const timed = <R>(f: () => R): R => {
    const c0 = process.cpuUsage();
    try { return f(); } finally { const u = process.cpuUsage(c0); cpu.seconds += (u.user + u.system) / 1e6; }
  };
  const tables = timed(() => openTables(bytes));
  const t0 = tables?.profile.defaultSampleType ?? 0;
  const direct = tables ? timed(() => directAggregates(tables, { lines: true, marksFor: t0 })) : null;
  // The editor's own two steps: the table sent ahead, then the graph (read directly,
  // or the ordinary tree with the first pass's table).
  const steps = timed(() => flameSteps(bytes, name, FLAME_NODES));
  const table = timed(() => steps.table());
  const flame = timed(() => steps.finish());
  let agg, profile;
  try {
    profile = openProfile(bytes);
    agg = aggregate(profile);
    void agg.lines;
  } catch (e) {
    if (!(e instanceof ProfileError)) throw e;
    assert.equal(direct, null, `${name}: refused (${e.message}) but read directly`);
    assert.equal(table, undefined, `${name}: refused (${e.message}) but its table read directly`);
    assert.ok(!('message' in flame), `${name}: refused (${e.message}) but its flamegraph drawn`);
    assert.equal(timed(() => overlaysFromBytes(name, bytes)), null, `${name}: refused (${e.message}) but its overlays read directly`);
    return 'refused';
  }
  // The language server's overlays, read directly: what the loader sends after the ordinary decode.
  const overlays = timed(() => overlaysFromBytes(name, bytes));
  let ordinary;
  try {
    ordinary = compactForServer(agg, false);
  } catch (e) {
    // Over the work budget (runtime calls walk every frame): refused both ways.
    if (!(e instanceof ProfileError)) throw e;
    assert.equal(overlays, null, `${name}: overlays refused (${e.message}) but read directly`);
  }
  if (overlays) assert.deepEqual(overlays, ordinary, `${name}: overlays`);
  // Every function's flat and cum, as the page's table shows them (the tree's frames
  // and what `hidden` says the left-out ones held): the ordinary aggregate's rows.
  const sameTable = (tree: FlameTree, what: string) => {
    const fns = agg.functions;
    for (let t = 0; t < agg.sampleTypes.length; t++) {
      const want = new Map<string, number[]>();
      for (let f = 0; f < fns.count; f++) {
        if (fns.flat[t][f] !== 0 || fns.cum[t][f] !== 0) want.set(agg.strings[fns.name[f]], [fns.flat[t][f], fns.cum[t][f]]);
      }
      const rows = new Map(functionTable(tree, t).map((r) => [tree.names[r.name], [r.flat, r.cum]]));
      assert.deepEqual(rows, want, `${name}: ${what}, type ${t}`);
    }
  };
  // The table sent ahead: the root alone, every function in `hidden` (no whole tree
  // to compare with: on an amplifier that is over the work budget).
  if (table?.message.type === 'profile') sameTable(table.message.tree, 'the table sent ahead');
  if ('message' in flame && flame.message.type === 'profile') {
    // Complete trees are the same to the letter; cut ones may keep different ties.
    const a = flame.message.tree, b = toFlameTree(agg, undefined, FLAME_NODES);
    if (!a.hidden && !b.hidden) assert.deepEqual(canonicalTree(a), canonicalTree(b), `${name}: flamegraph`);
    else assert.deepEqual([a.parent.length, a.hidden?.share], [b.parent.length, b.hidden?.share], `${name}: cut flamegraph`);
    sameTable(a, "the graph's table");
  }
  if (!direct) return 'declined';
  if (ordinary) assert.ok(overlays, `${name}: read directly for top but not for the overlays`);
  const d = direct.agg;
  assert.deepEqual([...d.totals], [...agg.totals], `${name}: totals`);
  assert.deepEqual(d.functions.flat, agg.functions.flat, `${name}: function flat`);
  assert.deepEqual(d.functions.cum, agg.functions.cum, `${name}: function cum`);
  assert.deepEqual([...d.functions.name].map((s) => d.strings[s]), [...agg.functions.name].map((s) => agg.strings[s]), `${name}: function names`);
  assert.deepEqual(d.lines!.flat, agg.lines.flat, `${name}: line flat`);
  assert.deepEqual(d.lines!.cum, agg.lines.cum, `${name}: line cum`);
  assert.deepEqual([...d.lines!.line], [...agg.lines.line], `${name}: line numbers`);
  assert.deepEqual(d.files, agg.files, `${name}: files`);
  assert.deepEqual(direct.marks, inlineMarks(profile, t0), `${name}: inline markers`);
  // One type only: that type's numbers, the others absent.
  const T = d.sampleTypes.length;
  const t = T - 1;
  const one = directAggregates(tables!, { type: t, marksFor: t0 })!;
  assert.deepEqual(one.marks, inlineMarks(profile, t0), `${name}: inline markers of type ${t0} beside the numbers of type ${t}`);
  assert.deepEqual(one.agg.functions.flat[t], agg.functions.flat[t], `${name}: flat of type ${t} alone`);
  assert.deepEqual(one.agg.functions.cum[t], agg.functions.cum[t], `${name}: cum of type ${t} alone`);
  for (let u = 0; u < T; u++) if (u !== t) assert.equal(one.agg.functions.flat[u], undefined, `${name}: type ${u} absent`);
  return 'same';
}
