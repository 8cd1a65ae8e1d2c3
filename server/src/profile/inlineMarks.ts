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
  const { stacks: S, samples } = p;
  const T = p.sampleTypes.length;
  const live = new Uint8Array(S.count);
  const weight = new Float64Array(S.count);
  for (let i = 0; i < samples.count; i++) {
    const v = samples.values[i * T + t];
    if (v !== 0) { live[samples.stack[i]] = 1; weight[samples.stack[i]] += v; }
  }
  const edges = new InlineEdges(p);
  let total = 0;
  for (let s = 0; s < S.count; s++) {
    if (S.start[s + 1] === S.start[s]) continue;
    total += weight[s];
    if (live[s] && edges.anyRelevant) edges.add(S.location, S.start[s], S.start[s + 1], weight[s]);
  }
  return edges.marks(total);
}

/**
 * The (caller, callee) edges that can mark a function, counted one stack at a time:
 * from distinct stacks with their summed weight (inlineMarks) or from one sample at
 * a time (directAggregate.ts); both count an edge once per call of add().
 */
export class InlineEdges {
  readonly anyRelevant: boolean;
  private readonly names: string[] = [];
  private readonly lineName: Int32Array;
  private readonly inlinedCallee: Uint8Array;
  private readonly relevant: Uint8Array;
  private readonly lineStart: Int32Array;
  /** Each location's innermost line's name, −1 without lines: the caller of the next frame. */
  private readonly innermost: Int32Array;
  // Edge (caller, callee) → index; inline so far (AND over occurrences), weight, last add() counted.
  private readonly edgeOf = new PairMap();
  private readonly edgeInline = new GrowableI32();
  private readonly edgeWeight = new GrowableF64();
  private readonly edgeStamp = new GrowableI32();
  private readonly edgeCallee = new GrowableI32();
  private stamp = 0;

  constructor(p: Profile) {
    const { locations: L, functions: F, strings } = p;
    // Name id of every line entry (functions sharing a name are one node, as in pprof).
    const names = this.names;
    const nameIds = new Map<string, number>();
    const intern = (n: string): number => {
      let id = nameIds.get(n);
      if (id === undefined) { id = names.length; names.push(n); nameIds.set(n, id); }
      return id;
    };
    const unknown = intern('<unknown>');
    const fnName = new Int32Array(F.count);
    for (let f = 0; f < F.count; f++) fnName[f] = strings[F.name[f]] ? intern(strings[F.name[f]]) : unknown;
    const lineName = this.lineName = new Int32Array(L.lineFunction.length);
    for (let e = 0; e < lineName.length; e++) { const f = L.lineFunction[e]; lineName[e] = f < 0 ? unknown : fnName[f]; }

    // Only edges into a function that some location shows inlined can mark anything;
    // every other frame just passes its innermost name on as the next frame's caller.
    // Most frames are of that kind, so a stack costs two loads per frame for them.
    const lineStart = this.lineStart = L.lineStart;
    const inlinedCallee = this.inlinedCallee = new Uint8Array(names.length);
    for (let loc = 0; loc < L.count; loc++) {
      for (let e = lineStart[loc]; e < lineStart[loc + 1] - 1; e++) inlinedCallee[lineName[e]] = 1;
    }
    const relevant = this.relevant = new Uint8Array(L.count);
    let anyRelevant = false;
    for (let loc = 0; loc < L.count; loc++) {
      for (let e = lineStart[loc]; e < lineStart[loc + 1]; e++) if (inlinedCallee[lineName[e]]) { relevant[loc] = 1; anyRelevant = true; }
    }
    this.anyRelevant = anyRelevant;
    this.innermost = new Int32Array(L.count);
    for (let loc = 0; loc < L.count; loc++) this.innermost[loc] = lineStart[loc] < lineStart[loc + 1] ? lineName[lineStart[loc]] : -1;
  }

  /** Counts the edges of the stack location[a..b) (leaf first) once, with weight w; returns the lines it looked at. */
  add(location: ArrayLike<number>, a: number, b: number, w: number): number {
    const { lineStart, lineName, relevant, inlinedCallee, edgeOf, edgeInline, edgeWeight, edgeStamp, edgeCallee } = this;
    const innermost = this.innermost;
    const s = this.stamp++;
    let work = 0, parent = -1;
    for (let i = b - 1; i >= a; i--) {
      const loc = location[i];
      if (!relevant[loc]) {
        if (innermost[loc] !== -1) parent = innermost[loc];
        continue;
      }
      const la = lineStart[loc], lb = lineStart[loc + 1];
      work += lb - la;
      for (let e = lb - 1; e >= la; e--) {
        const n = lineName[e];
        if (parent !== -1 && n !== parent && inlinedCallee[n]) {
          const inline = e !== lb - 1 ? 1 : 0;
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
    return work;
  }

  /** The markers, once every stack is in; `total` is the type's total (edges under 0.1% of it are dropped). */
  marks(total: number): Map<string, InlineMark> {
    const cutoff = Math.abs(Math.trunc(total * EDGE_FRACTION));
    const { names, edgeStamp, edgeWeight, edgeInline, edgeCallee } = this;
    // Per callee: 1 = some inline edge, 2 = some edge not inline.
    const kinds = new Uint8Array(names.length);
    for (let x = 0; x < edgeStamp.length; x++) {
      if (Math.abs(edgeWeight.data[x]) < cutoff) continue;
      kinds[edgeCallee.data[x]] |= edgeInline.data[x] ? 1 : 2;
    }
    const out = new Map<string, InlineMark>();
    for (let n = 0; n < names.length; n++) if (kinds[n] & 1) out.set(names[n], kinds[n] & 2 ? 'partial-inline' : 'inline');
    return out;
  }
}
