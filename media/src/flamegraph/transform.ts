// Views of one function in a call tree, as pprof and speedscope offer them: a table of
// functions (flat and cum, recursion counted once), the callees of a function merged
// under it (pprof -focus, speedscope's sandwich bottom), its callers merged above it
// (the sandwich top), its direct callers and callees (pprof -peek), and the tree
// without the stacks through some functions (pprof -ignore). Pure: FlameTree in, out.
// Functions are identified by name, as pprof merges them.
import type { FlameTree } from '../../../server/src/protocol/webview';
import { TreeBuilder } from './treeBuild';

export interface FunctionRow {
  /** Index into tree.names. */
  name: number;
  flat: number;
  cum: number;
}

/**
 * Calls fn(i, outermost) for every node in preorder; outermost is false when an
 * ancestor is the same function (its cum is already counted by that ancestor).
 */
function walk(tree: FlameTree, fn: (i: number, outermost: boolean) => void): void {
  const onPath = new Int32Array(tree.names.length);
  const path: number[] = [];
  for (let i = 1; i < tree.parent.length; i++) {
    while (path.length && path[path.length - 1] !== tree.parent[i]) onPath[tree.name[path.pop()!]]--;
    const name = tree.name[i];
    fn(i, onPath[name] === 0);
    onPath[name]++;
    path.push(i);
  }
}

/** Every function with its flat and cum for sample type t; rows with neither left out. */
export function functionTable(tree: FlameTree, t: number): FunctionRow[] {
  const flat = new Float64Array(tree.names.length);
  const cum = new Float64Array(tree.names.length);
  const seen = new Uint8Array(tree.names.length);
  walk(tree, (i, outermost) => {
    const n = tree.name[i];
    seen[n] = 1;
    flat[n] += tree.self[t][i];
    if (outermost) cum[n] += tree.cum[t][i];
  });
  // Frames too small to send still count: the table is the whole profile's.
  const h = tree.hidden;
  if (h) {
    for (let r = 0; r < h.name.length; r++) {
      const n = h.name[r];
      seen[n] = 1;
      flat[n] += h.flat[t][r];
      cum[n] += h.cum[t][r];
    }
  }
  const rows: FunctionRow[] = [];
  for (let n = 0; n < seen.length; n++) if (seen[n] && (flat[n] !== 0 || cum[n] !== 0)) rows.push({ name: n, flat: flat[n], cum: cum[n] });
  return rows;
}

export type SortKey = 'flat' | 'cum' | 'name';

export function sortRows(rows: FunctionRow[], key: SortKey, names: string[]): FunctionRow[] {
  const byName = (a: FunctionRow, b: FunctionRow) => (names[a.name] < names[b.name] ? -1 : names[a.name] > names[b.name] ? 1 : 0);
  if (key === 'name') return [...rows].sort(byName);
  return [...rows].sort((a, b) => b[key] - a[key] || (key === 'flat' ? b.cum - a.cum : b.flat - a.flat) || byName(a, b));
}

function frameOf(tree: FlameTree, b: TreeBuilder, i: number): number {
  return b.frame(tree.names[tree.name[i]], tree.files[tree.file[i]], tree.line[i]);
}

function columns(tree: FlameTree, base: boolean): [Float64Array[], Float64Array[]] | undefined {
  if (!base) return [tree.cum, tree.self];
  return tree.baseCum && tree.baseSelf ? [tree.baseCum, tree.baseSelf] : undefined;
}

/** The callees of function `fn` (an index into names): every outermost call of it merged under one node. */
export function calleesTree(tree: FlameTree, fn: number, sortByType?: number): FlameTree {
  const types = tree.cum.length;
  const b = new TreeBuilder(types);
  const mapped = new Int32Array(tree.parent.length).fill(-1);
  const vals = new Float64Array(types);
  const self = new Float64Array(types);
  const none = new Float64Array(types);
  walk(tree, (i, outermost) => {
    const p = tree.parent[i];
    let node: number;
    if (tree.name[i] === fn && outermost) node = b.child(0, frameOf(tree, b, i));
    else if (p > 0 && mapped[p] >= 0) node = b.child(mapped[p], frameOf(tree, b, i));
    else return;
    mapped[i] = node;
    for (const base of [false, true]) {
      const c = columns(tree, base);
      if (!c) continue;
      for (let t = 0; t < types; t++) { vals[t] = c[0][t][i]; self[t] = c[1][t][i]; }
      b.addValues(node, vals, self, base);
      if (node !== 0 && tree.name[i] === fn && outermost) b.addValues(0, vals, none, base);
    }
  });
  return b.build(`callees of ${tree.names[fn]}`, sortByType);
}

/** The callers of function `fn`: it at the root's child, each path to it reversed above it. */
export function callersTree(tree: FlameTree, fn: number, sortByType?: number): FlameTree {
  const types = tree.cum.length;
  const b = new TreeBuilder(types);
  const vals = new Float64Array(types);
  const none = new Float64Array(types);
  walk(tree, (i, outermost) => {
    if (tree.name[i] !== fn || !outermost) return;
    for (const base of [false, true]) {
      const c = columns(tree, base);
      if (!c) continue;
      let any = false;
      for (let t = 0; t < types; t++) { vals[t] = c[0][t][i]; if (vals[t] !== 0) any = true; }
      if (!any) continue;
      b.addValues(0, vals, none, base);
      let node = 0;
      for (let v = i; v > 0; v = tree.parent[v]) {
        node = b.child(node, frameOf(tree, b, v));
        // The outermost caller carries the value as flat, so flat sums to the total.
        b.addValues(node, vals, tree.parent[v] === 0 ? vals : none, base);
      }
    }
  });
  return b.build(`callers of ${tree.names[fn]}`, sortByType);
}

export interface Peek {
  callers: { name: number; value: number }[];
  callees: { name: number; value: number }[];
  flat: number;
  cum: number;
}

/** Direct callers and callees of `fn` with the value that flows through each (pprof -peek). */
export function peek(tree: FlameTree, fn: number, t: number): Peek {
  const callers = new Map<number, number>();
  const callees = new Map<number, number>();
  let flat = 0;
  let cum = 0;
  walk(tree, (i, outermost) => {
    const p = tree.parent[i];
    if (tree.name[i] === fn) {
      flat += tree.self[t][i];
      if (outermost) cum += tree.cum[t][i];
      const caller = p > 0 ? tree.name[p] : -1;
      if (caller !== fn) callers.set(caller, (callers.get(caller) ?? 0) + tree.cum[t][i]);
    } else if (p > 0 && tree.name[p] === fn) {
      callees.set(tree.name[i], (callees.get(tree.name[i]) ?? 0) + tree.cum[t][i]);
    }
  });
  const list = (m: Map<number, number>) => [...m].map(([name, value]) => ({ name, value })).sort((a, b) => b.value - a.value);
  return { callers: list(callers), callees: list(callees), flat, cum };
}

/** The tree without every sample whose stack contains a function `ignore` matches (pprof -ignore). */
export function ignoreTree(tree: FlameTree, ignore: (name: string) => boolean, sortByType?: number): FlameTree {
  const types = tree.cum.length;
  const b = new TreeBuilder(types);
  const mapped = new Int32Array(tree.parent.length).fill(-1);
  mapped[0] = 0;
  const self = new Float64Array(types);
  const skip = tree.names.map((n) => ignore(n));
  for (let i = 1; i < tree.parent.length; i++) {
    const p = mapped[tree.parent[i]];
    if (p < 0 || skip[tree.name[i]]) continue;
    const node = b.child(p, frameOf(tree, b, i));
    mapped[i] = node;
    for (const base of [false, true]) {
      const c = columns(tree, base);
      if (!c) continue;
      let any = false;
      for (let t = 0; t < types; t++) { self[t] = c[1][t][i]; if (self[t] !== 0) any = true; }
      if (any) b.addSelf(node, self, base);
    }
  }
  // The root's own flat (empty stacks) stays.
  for (const base of [false, true]) {
    const c = columns(tree, base);
    if (!c) continue;
    for (let t = 0; t < types; t++) self[t] = c[1][t][0];
    if (self.some((v) => v !== 0)) b.addSelf(0, self, base);
  }
  return b.build(tree.names[tree.name[0]], sortByType);
}
