// pprof's "(inline)" and "(partial-inline)" markers of `-top`: a function is
// marked when the calls reaching it were inlined into their caller, all of them
// or some. Port of the edge rules of google/pprof internal/graph newGraph and
// report.TextItems: one edge per (caller, callee) pair, inline only if every
// occurrence is; only samples with a non-zero value for the type count; edges
// of a function to itself are ignored; and, as -top trims the graph with the
// default -edgefraction=0.001, edges lighter than 0.1% of the total are dropped
// before marking.
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
  const nameOf = (e: number): string => {
    const f = L.lineFunction[e];
    return f < 0 ? '<unknown>' : strings[F.name[f]] || '<unknown>';
  };
  // Edge "caller\0callee" → inline so far (AND over occurrences) and weight.
  const edges = new Map<string, { inline: boolean; weight: number }>();
  const seen = new Set<string>();
  for (let s = 0; s < S.count; s++) {
    if (!live[s]) continue;
    seen.clear();
    let parent: string | null = null;
    for (let i = S.start[s + 1] - 1; i >= S.start[s]; i--) {
      const loc = S.location[i];
      const a = L.lineStart[loc], b = L.lineStart[loc + 1];
      for (let e = b - 1; e >= a; e--) {
        const n = nameOf(e);
        if (parent !== null && n !== parent) {
          const key = `${parent}\0${n}`;
          if (!seen.has(key)) {
            seen.add(key);
            const inline = e !== b - 1;
            const prev = edges.get(key);
            if (prev === undefined) edges.set(key, { inline, weight: weight[s] });
            else { prev.inline &&= inline; prev.weight += weight[s]; }
          }
        }
        parent = n;
      }
    }
  }
  const byCallee = new Map<string, { inline: boolean; noinline: boolean }>();
  for (const [key, { inline, weight: w }] of edges) {
    if (Math.abs(w) < cutoff) continue;
    const callee = key.slice(key.indexOf('\0') + 1);
    const m = byCallee.get(callee) ?? { inline: false, noinline: false };
    if (inline) m.inline = true; else m.noinline = true;
    byCallee.set(callee, m);
  }
  const out = new Map<string, InlineMark>();
  for (const [name, m] of byCallee) if (m.inline) out.set(name, m.noinline ? 'partial-inline' : 'inline');
  return out;
}
