// The fuzz suite that stays (issue 11): seeded mutations of the checked-in seed
// profiles (test/fixtures/profiles, written by real Go programs) plus structured
// generators for each hostile class, the same inputs on every machine. Each input
// either decodes to a consistent model or is refused with one ProfileError line,
// within a CPU-time and memory budget. Prints the figures (inputs, time, worst).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile, ProfileError } from '../../server/src/profile/decode';
import { compareDirect, type DirectOutcome } from '../helpers/directCompare';
import { repoRoot } from '../helpers/goFixture';
import { commentBomb, emptyEntriesBomb, emptyStackProfile, inliningAmplifier, stringBomb } from '../helpers/hostileGenerators';
import { rng } from '../helpers/profileSynth';

const SEED_DIR = path.join(repoRoot, 'test', 'fixtures', 'profiles');
const MUTATIONS = 2000;
/** Per input: CPU seconds and memory held while its model is alive. */
const CPU_BUDGET_S = 2;
const MEMORY_BUDGET_MB = 512;

const seeds = fs.readdirSync(SEED_DIR).filter((f) => f.endsWith('.pb.gz')).sort().map((f) => fs.readFileSync(path.join(SEED_DIR, f)));

/** A varint field (tag, value) as bytes. */
function varintBytes(v: number): number[] {
  const out: number[] = [];
  while (v >= 128) { out.push((v % 128) | 128); v = Math.floor(v / 128); }
  out.push(v);
  return out;
}

function mutate(src: Uint8Array, r: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const at = () => Math.floor(r() * b.length);
  const splice = (i: number, del: number, ins: ArrayLike<number>) => {
    del = Math.min(del, b.length - i);
    const out = new Uint8Array(b.length - del + ins.length);
    out.set(b.subarray(0, i)); out.set(ins, i); out.set(b.subarray(i + del), i + ins.length);
    return out;
  };
  switch (Math.floor(r() * 9)) {
    case 0: { for (let i = 0, n = 1 + Math.floor(r() * 4); i < n; i++) b[at()] ^= 1 << Math.floor(r() * 8); return b; }
    case 1: { for (let i = 0, n = 1 + Math.floor(r() * 8); i < n; i++) b[at()] = Math.floor(r() * 256); return b; }
    case 2: return b.subarray(0, at());
    case 3: { const i = at(), j = at(); return splice(Math.max(i, j), 0, b.subarray(Math.min(i, j), Math.max(i, j))); }
    case 4: return splice(at(), 0, Array.from({ length: 1 + Math.floor(r() * 16) }, () => Math.floor(r() * 256)));
    case 5: return splice(at(), Math.floor(r() * 64), []);
    // Protobuf-aware: a huge varint (index/id past 2^32, 2^53, 2^63) where one was.
    case 6: return splice(at(), 1, varintBytes([2 ** 32 + 3, 2 ** 53 + 1, 2 ** 63, 2 ** 64 - 1][Math.floor(r() * 4)]));
    // A top-level field repeated: the same entry many times over.
    case 7: { const i = at(); const n = Math.min(b.length - i, 1 + Math.floor(r() * 24)); const unit = b.subarray(i, i + n); const reps = 1 + Math.floor(r() * 200); const ins = new Uint8Array(unit.length * reps); for (let k = 0; k < reps; k++) ins.set(unit, k * unit.length); return splice(i, 0, ins); }
    // A length prefix made large.
    default: { const i = at(); return splice(i, 1, varintBytes(Math.floor(r() * 2 ** 31))); }
  }
}

interface Figures {
  inputs: number; decoded: number; refused: number; worstCpuS: number; worstName: string; worstHeldMB: number;
  /** What the direct reading of samples did with each input. */
  direct: Record<DirectOutcome, number>;
}

function figures(): Figures {
  return { inputs: 0, decoded: 0, refused: 0, worstCpuS: 0, worstName: '', worstHeldMB: 0, direct: { same: 0, declined: 0, refused: 0 } };
}

function check(name: string, bytes: Uint8Array, fig: Figures): void {
  const c0 = process.cpuUsage();
  const m0 = held();
  let heldMB = 0;
  try {
    const agg = aggregate(decodeProfile(bytes));
    for (let t = 0; t < agg.sampleTypes.length; t++) {
      let flat = 0, lineFlat = 0;
      for (const v of agg.functions.flat[t]) flat += v;
      for (const v of agg.lines.flat[t]) lineFlat += v;
      const whole = agg.totals[t];
      const tol = 1e-9 * Math.max(1, Math.abs(whole), Math.abs(flat));
      assert.ok(Math.abs(flat + agg.tree.self[t][0] - whole) <= tol, `${name}: flat + root self = total`);
      assert.ok(Math.abs(agg.tree.total[t][0] - whole) <= tol, `${name}: tree root holds the total`);
      assert.ok(Math.abs(lineFlat - flat) <= tol, `${name}: lines and functions agree`);
    }
    // The flamegraph's cut tree: parents first, the root holding the total, within its limit.
    const { tree: cut } = agg.heavyTree(1000);
    assert.ok(cut.count <= 1000, `${name}: cut tree within its limit`);
    for (let n = 1; n < cut.count; n++) assert.ok(cut.parent[n] >= 0 && cut.parent[n] < n, `${name}: cut tree parents first`);
    for (let t = 0; t < agg.sampleTypes.length; t++) assert.equal(cut.total[t][0], agg.tree.total[t][0], `${name}: cut tree root`);
    heldMB = (held() - m0) / 1048576;
    fig.decoded++;
  } catch (e) {
    if (!(e instanceof ProfileError)) assert.fail(`${name}: ${e instanceof Error ? e.stack : String(e)}`);
    assert.ok(e.message.length > 0 && !e.message.includes('\n'), `${name}: one line`);
    fig.refused++;
  }
  const u = process.cpuUsage(c0);
  const cpu = (u.user + u.system) / 1e6;
  fig.inputs++;
  if (cpu > fig.worstCpuS) { fig.worstCpuS = cpu; fig.worstName = name; }
  fig.worstHeldMB = Math.max(fig.worstHeldMB, heldMB);
  assert.ok(cpu < CPU_BUDGET_S, `${name}: ${cpu.toFixed(2)} CPU s (budget ${CPU_BUDGET_S})`);
  assert.ok(heldMB < MEMORY_BUDGET_MB, `${name}: held ${heldMB.toFixed(0)} MB (budget ${MEMORY_BUDGET_MB})`);
  // heaplens top/lines/diff read samples directly: the same numbers, or the file handed back.
  const direct = { seconds: 0 };
  fig.direct[compareDirect(name, bytes, direct)]++;
  // Three direct readings (tables, top's, the overlays'): each within the budget.
  assert.ok(direct.seconds < 3 * CPU_BUDGET_S, `${name}: direct readings took ${direct.seconds.toFixed(2)} CPU s`);
}

function held(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function report(label: string, fig: Figures, t0: number): void {
  const rss = process.resourceUsage().maxRSS / 1024;
  console.log(`# fuzz ${label}: ${fig.inputs} inputs (${fig.decoded} decoded, ${fig.refused} refused) in ${((performance.now() - t0) / 1000).toFixed(1)} s; worst ${fig.worstCpuS.toFixed(3)} CPU s (${fig.worstName}); worst held ${fig.worstHeldMB.toFixed(0)} MB; peak RSS ${rss.toFixed(0)} MB; read directly: ${fig.direct.same} same, ${fig.direct.declined} handed back, ${fig.direct.refused} refused by both`);
}

test(`${MUTATIONS} seeded mutations of the checked-in seed profiles: consistent model or one-line ProfileError, within budget`, () => {
  assert.ok(seeds.length >= 5, 'seed profiles are checked in');
  const inputs = [...seeds, ...seeds.map((s) => new Uint8Array(zlib.gunzipSync(s)))];
  const r = rng(0x5eed);
  const fig = figures();
  const t0 = performance.now();
  for (let i = 0; i < MUTATIONS; i++) check(`mutation ${i}`, mutate(inputs[i % inputs.length], r), fig);
  report('mutations', fig, t0);
  assert.equal(fig.inputs, MUTATIONS);
  assert.ok(fig.refused > 0 && fig.decoded > 0, `both outcomes happen (decoded ${fig.decoded}, refused ${fig.refused})`);
});

test('structured generators, one per hostile class, at growing sizes: each answered within budget', () => {
  const fig = figures();
  const t0 = performance.now();
  for (const n of [1_000, 1_000_000, 40_000_000]) {
    check(`${n} empty strings`, stringBomb(n).bytes, fig);
    check(`${n} comments`, commentBomb(n).bytes, fig);
    for (const kind of ['samples', 'mappings', 'sampleTypes', 'locations'] as const) check(`${n} empty ${kind}`, emptyEntriesBomb(kind, n).bytes, fig);
  }
  for (const [depth, stacks] of [[10, 100], [1000, 1000], [20_000, 20_000], [100, 200_000]]) {
    check(`inlining ${depth}×${stacks}`, inliningAmplifier(depth, stacks).bytes, fig);
  }
  check('empty stack', emptyStackProfile(), fig);
  report('generators', fig, t0);
  assert.ok(fig.refused > 0 && fig.decoded > 0);
});
