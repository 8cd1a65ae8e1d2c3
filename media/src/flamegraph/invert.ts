// The caller (bottom-up) view: every allocation site becomes a root child, with
// its callers above it. Built from the top-down tree's flat values, so it needs
// no samples: each node's path from the root is exactly the stacks that ended there.
import type { FlameTree } from '../../../server/src/protocol/webview';
import { TreeBuilder } from './treeBuild';

export function invertTree(tree: FlameTree, sortByType: number): FlameTree {
  const types = tree.cum.length;
  const n = tree.parent.length;
  const b = new TreeBuilder(types);
  const frame = new Int32Array(n);
  for (let i = 1; i < n; i++) frame[i] = b.frame(tree.names[tree.name[i]], tree.files[tree.file[i]], tree.line[i]);
  const vals = new Float64Array(types);
  const none = new Float64Array(types);
  const addFrom = (self: Float64Array[], base: boolean, i: number) => {
    let any = false;
    for (let t = 0; t < types; t++) { vals[t] = self[t][i]; if (vals[t] !== 0) any = true; }
    if (!any) return;
    // The allocation site (i) hangs off the root; its callers follow outwards.
    // Its flat value stays on the site: callers add to cum only.
    b.addValues(0, vals, none, base);
    let node = 0;
    for (let v = i; v > 0; v = tree.parent[v]) {
      node = b.child(node, frame[v]);
      b.addValues(node, vals, v === i ? vals : none, base);
    }
  };
  for (let i = 1; i < n; i++) {
    addFrom(tree.self, false, i);
    if (tree.baseSelf) addFrom(tree.baseSelf, true, i);
  }
  return b.build(tree.names[tree.name[0]], sortByType);
}
