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
  const path: number[] = [];
  const addFrom = (self: Float64Array[], base: boolean, i: number) => {
    let any = false;
    for (let t = 0; t < types; t++) { vals[t] = self[t][i]; if (vals[t] !== 0) any = true; }
    if (!any) return;
    path.length = 0;
    for (let v = i; v > 0; v = tree.parent[v]) path.push(frame[v]);
    b.addStack(path, vals, base);
  };
  for (let i = 1; i < n; i++) {
    addFrom(tree.self, false, i);
    if (tree.baseSelf) addFrom(tree.baseSelf, true, i);
  }
  return b.build(tree.names[tree.name[0]], sortByType);
}
