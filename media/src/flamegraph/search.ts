// Search: which frames match, and what share of the total they account for.
// Pure (no DOM). Matching is per distinct name, then spread to nodes.
import type { FlameTree } from '../../../server/src/protocol/webview';

/**
 * A case-insensitive substring, or a regular expression when written /like this/.
 * Returns undefined for an empty query and a string for an invalid expression.
 */
export function compileQuery(query: string): ((s: string) => boolean) | string | undefined {
  const q = query.trim();
  if (!q) return undefined;
  const re = /^\/(.+)\/([a-z]*)$/.exec(q);
  if (re) {
    try {
      const rx = new RegExp(re[1], re[2].includes('i') ? 'i' : '');
      return (s) => rx.test(s);
    } catch (e) {
      return `invalid regular expression: ${(e as Error).message}`;
    }
  }
  const lower = q.toLowerCase();
  return (s) => s.toLowerCase().includes(lower);
}

/** 1 for nodes whose function name (or file) matches. */
export function matchNodes(tree: FlameTree, pred: (s: string) => boolean): Uint8Array {
  const nameHit = tree.names.map(pred);
  const fileHit = tree.files.map((f) => f !== '' && pred(f));
  const n = tree.parent.length;
  const m = new Uint8Array(n);
  for (let i = 1; i < n; i++) if (nameHit[tree.name[i]] || fileHit[tree.file[i]]) m[i] = 1;
  return m;
}

/**
 * The total of matched frames without counting a frame nested inside another
 * match twice (recursion, or a match calling a match), within the subtree at `root`.
 */
export function matchedTotal(tree: FlameTree, matches: Uint8Array, values: Float64Array, root = 0): number {
  let sum = 0;
  const end = root + tree.size[root];
  for (let i = root; i < end;) {
    if (matches[i]) { sum += values[i]; i += tree.size[i]; } else i++;
  }
  return sum;
}
