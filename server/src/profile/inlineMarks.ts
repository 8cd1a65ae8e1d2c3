// pprof's "(inline)" and "(partial-inline)" markers of `-top`: a function is
// marked when the calls reaching it were inlined into their caller, all of them
// or some. Port of the edge rules of google/pprof internal/graph newGraph and
// report.TextItems: one edge per (caller, callee) pair, inline only if every
// occurrence is; only samples with a non-zero value for the type count; edges
// of a function to itself are ignored; and, as -top trims the graph with the
// default -edgefraction=0.001, edges lighter than 0.1% of the total are dropped
// before marking. Names become small ints first and edges live in a pair table
// with a generation stamp (one count per stack): a million deep stacks are tens
// of millions of frames, and a string key per frame cost more than all of `top`.
import { GrowableF64, GrowableI32, PairMap } from './buffers';
import type { Profile } from './model';

/** pprof's default -edgefraction. */
const EDGE_FRACTION = 0.001;

export type InlineMark = 'inline' | 'partial-inline';

/** Function name → marker, for sample type t. Names are as aggregation shows them. */
export function inlineMarks(p: Profile, t: number): Map<string, InlineMark> {
  const { stacks: S, locations: L, functions: F, strings, samples } = p;
  const T = p.sampleTypes.length;
  const live = new Uint8Array(S.count);
  const weight = new Float64Array(S.count);
  for (let i = 0; i < samples.count; i++) {
    const v = samples.values[i * T + t];
    if (v !== 0) { live[samples.stack[i]] = 1; weight[samples.stack[i]] += v; }
  }
  let total = 0;
  for (let s = 0; s < S.count; s++) if (S.start[s + 1] > S.start[s]) total += weight[s];
  const cutoff = Math.abs(Math.trunc(total * EDGE_FRACTION));

  // Name id of every line entry (functions sharing a name are one node, as in pprof).
  const names: string[] = [];
  const nameIds = new Map<string, number>();
  const intern = (n: string): number => {
    let id = nameIds.get(n);
    if (id === undefined) { id = names.length; names.push(n); nameIds.set(n, id); }
    return id;
  };
  const unknown = intern('<unknown>');
  const fnName = new Int32Array(F.count);
  for (let f = 0; f < F.count; f++) fnName[f] = strings[F.name[f]] ? intern(strings[F.name[f]]) : unknown;
  const lineName = new Int32Array(L.lineFunction.length);
  for (let e = 0; e < lineName.length; e++) { const f = L.lineFunction[e]; lineName[e] = f < 0 ? unknown : fnName[f]; }

  // Only edges into a function that some location shows inlined can mark anything;
  // every other frame just passes its name on as the next frame's caller. Most
  // frames are of that kind, so a stack costs a byte load per frame for them.
  const { start, location } = S;
  const { lineStart } = L;
  const inlinedCallee = new Uint8Array(names.length);
  for (let loc = 0; loc < L.count; loc++) {
    for (let e = lineStart[loc]; e < lineStart[loc + 1] - 1; e++) inlinedCallee[lineName[e]] = 1;
  }
  const out = new Map<string, InlineMark>();
  const relevant = new Uint8Array(L.count);
  let anyRelevant = false;
  for (let loc = 0; loc < L.count; loc++) {
    for (let e = lineStart[loc]; e < lineStart[loc + 1]; e++) if (inlinedCallee[lineName[e]]) { relevant[loc] = 1; anyRelevant = true; }
  }
  if (!anyRelevant) return out;

  // Edge (caller, callee) → index; inline so far (AND over occurrences), weight, last stack counted.
  const edgeOf = new PairMap();
  const edgeInline = new GrowableI32(), edgeWeight = new GrowableF64(), edgeStamp = new GrowableI32();
  const edgeCallee = new GrowableI32();
  for (let s = 0; s < S.count; s++) {
    if (!live[s]) continue;
    const w = weight[s];
    let parent = -1;
    for (let i = start[s + 1] - 1; i >= start[s]; i--) {
      const loc = location[i];
      const a = lineStart[loc], b = lineStart[loc + 1];
      if (!relevant[loc]) {
        if (a < b) parent = lineName[a];
        continue;
      }
      for (let e = b - 1; e >= a; e--) {
        const n = lineName[e];
        if (parent !== -1 && n !== parent && inlinedCallee[n]) {
          const inline = e !== b - 1 ? 1 : 0;
          let x = edgeOf.get(parent, n);
          if (x === -1) {
            x = edgeStamp.length;
            edgeOf.set(parent, n, x);
            edgeInline.push(inline); edgeWeight.push(w); edgeStamp.push(s); edgeCallee.push(n);
          } else if (edgeStamp.data[x] !== s) {
            edgeStamp.data[x] = s;
            edgeInline.data[x] &= inline;
            edgeWeight.data[x] += w;
          }
        }
        parent = n;
      }
    }
  }
  // Per callee: 1 = some inline edge, 2 = some edge not inline.
  const kinds = new Uint8Array(names.length);
  for (let x = 0; x < edgeStamp.length; x++) {
    if (Math.abs(edgeWeight.data[x]) < cutoff) continue;
    kinds[edgeCallee.data[x]] |= edgeInline.data[x] ? 1 : 2;
  }
  for (let n = 0; n < names.length; n++) if (kinds[n] & 1) out.set(names[n], kinds[n] & 2 ? 'partial-inline' : 'inline');
  return out;
}
