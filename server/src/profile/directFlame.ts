// What the flamegraph needs, from two passes over the samples where they lie: every
// function's flat and cum (the table, and what the frames left out held), which the
// editor shows at once, then the call tree cut to its heaviest frames (trieByRuns.ts).
// No stack is decoded. Null whenever the ordinary path (decode, aggregate,
// heavyTree.ts) must decide, and it then does it the way it always has: anything
// directAggregate.ts hands back, values that runs cannot sum exactly or that are
// negative, too much work, and trees that grow too fast for a trie (a million deep,
// distinct stacks make four million nodes, most far below a pixel: heavyTree.ts cuts
// those without building them).
import { FlatCumAccumulator, functionTable } from './aggregate';
import { DirectReading } from './directAggregate';
import type { HeavyTree } from './heavyTree';
import { workBudget } from './limits';
import type { Aggregates, Profile } from './model';
import type { SampleBytesProfile } from './open';
import { callTree } from './trees';
import { TrieByRuns } from './trieByRuns';

/** What flameTree.ts reads of a profile's aggregates besides its tree. */
export type FlameAggregates = Pick<Aggregates, 'sampleTypes' | 'strings' | 'files' | 'functions'>;

export interface DirectFlame {
  heavy: HeavyTree;
  agg: FlameAggregates;
  profile: Profile;
  sampleCount: number;
}

/**
 * When the trie gives way to heavyTree.ts. The trie's time is the frames samples
 * enter (each a lookup) and the nodes they make; heavyTree.ts's grows only with the
 * frames above the cut. After the first `TRIAL_SAMPLES`, go/types' heap profile has
 * entered 4.5 frames a sample and made 2.2 nodes (1.4 at its end): the trie's case
 * (the frames entered are told after `EARLY_SAMPLES` already).
 * A million distinct 20-deep stacks make 4.0 nodes a sample to the end (four million
 * nodes: the trie took twice heavyTree's time); stacks in no order share no prefix
 * with the one before and enter 18 to 30 frames each (the trie took twice as long
 * again). A trie past `MAX_TRIE_NODES`, or `MAX_TRIE_VALUES` node values (one per
 * sample type), stops too: its time and memory are bounded whatever the profile.
 */
const EARLY_SAMPLES = 2_000;
const TRIAL_SAMPLES = 20_000;
const MAX_NODES_PER_SAMPLE = 3;
const MAX_ENTERED_PER_SAMPLE = 8;
const MAX_TRIE_NODES = 3_000_000;
const MAX_TRIE_VALUES = 12_000_000;

/**
 * The first of the two passes: every function's flat and cum, which the table shows
 * while the tree is built. Null when the ordinary path must decide.
 */
export function directTable(input: SampleBytesProfile): DirectTable | null {
  const reading = DirectReading.of(input);
  if (!reading) return null;
  const { profile, T, keys, lineFn, frames } = reading;
  const acc = new FlatCumAccumulator(T, [false], { F: keys.fnName.length, L: keys.lineFile.length }, lineFn, workBudget([profile]));
  acc.useFrames(frames, profile.locations.count);
  const ok = reading.run((locs, k, values) => {
    if (k === 0) return true;
    for (let t = 0; t < T; t++) if (values[t] !== 0) return acc.add(locs, 0, k, values) && acc.byRuns;
    return true;
  });
  // Without runs (samples in no order, values runs cannot sum exactly) each sample
  // walks its whole stack, where the decoded path sums each distinct stack once:
  // that path is faster then, and the table comes with the graph.
  if (!ok) return null;
  const [fc] = acc.result();
  const { sampleTypes, totals } = reading.header();
  return {
    reading, totals: Float64Array.from(totals), profile, sampleCount: input.samples.count,
    agg: { sampleTypes, strings: keys.strings, files: keys.files, functions: functionTable(keys, fc) },
  };
}

export interface DirectTable {
  reading: DirectReading;
  agg: FlameAggregates;
  /** Per sample type: the sum of every sample's value. */
  totals: Float64Array;
  profile: Profile;
  sampleCount: number;
}

/**
 * The table's tree while the call tree is built: the root alone, every frame left out
 * (flameTree.ts then sends every function's flat and cum as what they hold).
 */
export function rootOnly(table: DirectTable): HeavyTree {
  const { keys, lineFn } = table.reading;
  const T = table.totals.length;
  const tree = callTree({ keys, lineFn, byLine: false }, {
    parent: Int32Array.of(-1), key: Int32Array.of(-1), repLine: Int32Array.of(-1), inlined: new Uint8Array(1),
    self: Array.from({ length: T }, () => new Float64Array(1)),
    total: Array.from({ length: T }, (_, t) => Float64Array.of(table.totals[t])),
  });
  return { tree, complete: false, leftOutShare: undefined };
}

/** The second pass: the call tree by runs, cut to `maxNodes`; null when the trie gives way. */
export function directTree(table: DirectTable, maxNodes: number): DirectFlame | null {
  const { reading, profile } = table;
  const { T, keys, lineFn, frames } = reading;
  const n = table.sampleCount;
  const most = Math.min(MAX_TRIE_NODES, Math.floor(MAX_TRIE_VALUES / Math.max(1, T)));
  const trie = new TrieByRuns(T, frames, lineFn, workBudget([profile]), Math.min(most, Math.ceil(Math.min(n, TRIAL_SAMPLES) * MAX_NODES_PER_SAMPLE) + 1));
  let seen = 0;
  const ok = reading.run((locs, k, values) => {
    if (!trie.add(locs, k, values) || trie.count > most) return false;
    // Stacks in no order show at once; how fast the tree grows takes longer to tell.
    if (++seen === EARLY_SAMPLES && trie.entered / seen > MAX_ENTERED_PER_SAMPLE) return false;
    if (seen === TRIAL_SAMPLES) {
      const rate = trie.count / seen;
      if (rate > MAX_NODES_PER_SAMPLE || trie.entered / seen > MAX_ENTERED_PER_SAMPLE) return false;
      trie.reserve(Math.min(most, Math.ceil(rate * n * 1.1)) + 1024);
    }
    return true;
  });
  if (!ok) return null;
  const heavy = trie.cut(maxNodes, { keys, lineFn, byLine: false });
  if (!heavy) return null;
  return { heavy, agg: table.agg, profile, sampleCount: n };
}

/** Both passes. */
export function directFlame(input: SampleBytesProfile, maxNodes: number): DirectFlame | null {
  const table = directTable(input);
  return table && directTree(table, maxNodes);
}
