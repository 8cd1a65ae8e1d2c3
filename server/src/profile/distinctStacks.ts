// The samples of a profile as distinct stacks with their values summed, for work
// that follows every stack frame by frame (the flamegraph's tree): a profile whose
// million samples share a hundred thousand stacks then costs a tenth. The decoder
// only merges a sample's stack with the previous sample's (interning every stack
// was pure cost where nearly every sample has its own, as in heap profiles written
// with MemProfileRate=1), so a cheap estimate decides first whether merging pays.
import { GrowableF64, GrowableI32 } from './buffers';
import type { Profile } from './model';

/** Units of work: unit u is stack[u] with values values[u*T .. u*T+T-1]. */
export interface StackUnits {
  count: number;
  stack: Int32Array;
  values: Int32Array | Float64Array;
  /** False when these are the samples themselves. */
  merged: boolean;
}

/** Merge only when it leaves at most this share of the units. */
const WORTH_IT = 0.6;

/**
 * Distinct stacks in order of their first sample, values summed; or the samples as
 * they are when fewer than 40% of them share a stack with another.
 */
export function distinctStacks(p: Profile): StackUnits {
  const T = p.sampleTypes.length;
  const { count: n, stack, values } = p.samples;
  const S = p.stacks.count;
  const asIs: StackUnits = { count: n, stack, values, merged: false };
  if (n < 1024) return asIs;
  const hash = stackHashes(p);
  if (estimateDistinct(hash) > WORTH_IT * n) return asIs;

  // Open addressing, (hash, unit) side by side; a match is confirmed entry by entry.
  const { start, location } = p.stacks;
  let size = 1024;
  while (size < 2 * S) size *= 2;
  const table = new Int32Array(2 * size).fill(-1);
  const unitOf = new Int32Array(S).fill(-1);
  const unitStack = new GrowableI32(Math.min(S, n) + 1);
  const sameStack = (a: number, b: number): boolean => {
    const la = start[a + 1] - start[a];
    if (la !== start[b + 1] - start[b]) return false;
    for (let k = 0; k < la; k++) if (location[start[a] + k] !== location[start[b] + k]) return false;
    return true;
  };
  const sums = new GrowableF64((Math.min(S, n) + 1) * T);
  for (let i = 0; i < n; i++) {
    const s = stack[i];
    let u = unitOf[s];
    if (u < 0) {
      const hs = hash[s];
      for (let h = hs & (size - 1); ; h = (h + 1) & (size - 1)) {
        const other = table[2 * h + 1];
        if (other < 0) {
          u = unitStack.length;
          unitStack.push(s);
          for (let t = 0; t < T; t++) sums.push(0);
          table[2 * h] = hs; table[2 * h + 1] = u;
          break;
        }
        if (table[2 * h] === hs && sameStack(unitStack.data[other], s)) { u = other; break; }
      }
      unitOf[s] = u;
    }
    for (let t = 0; t < T; t++) sums.data[u * T + t] += values[i * T + t];
  }
  return { count: unitStack.length, stack: unitStack.viewI32(), values: sums.viewF64(), merged: true };
}

/** A 32-bit hash of each stack's location indexes. */
function stackHashes(p: Profile): Int32Array {
  const { count, start, location } = p.stacks;
  const out = new Int32Array(count);
  for (let s = 0; s < count; s++) {
    let h = 0x811c9dc5 ^ (start[s + 1] - start[s]);
    for (let e = start[s]; e < start[s + 1]; e++) h = Math.imul(h ^ location[e], 0x01000193);
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
    out[s] = h;
  }
  return out;
}

/** HyperLogLog estimate of how many distinct values `hash` holds (~1.6% error). */
export function estimateDistinct(hash: Int32Array): number {
  const B = 12, M = 1 << B;
  const reg = new Uint8Array(M);
  for (let i = 0; i < hash.length; i++) {
    const h = hash[i];
    const j = h >>> (32 - B);
    const rank = Math.clz32((h << B) | (1 << (B - 1))) + 1;
    if (rank > reg[j]) reg[j] = rank;
  }
  let sum = 0, zeros = 0;
  for (let j = 0; j < M; j++) { sum += 2 ** -reg[j]; if (reg[j] === 0) zeros++; }
  const e = ((0.7213 / (1 + 1.079 / M)) * M * M) / sum;
  return e <= 2.5 * M && zeros > 0 ? M * Math.log(M / zeros) : e;
}
