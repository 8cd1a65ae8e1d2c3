// Where each frame's box goes: tree + weights + zoom root + width -> boxes.
// Pure (no DOM) so it is unit-tested and cheap to rerun on every zoom: it visits
// only boxes at least `minWidth` pixels wide, skipping whole subtrees otherwise,
// so 100k-node trees lay out in the time of the few thousand visible boxes.
import type { FlameTree } from '../../../server/src/protocol/webview';

export type Orientation = 'flame' | 'icicle';

export interface Layout {
  count: number;
  node: Int32Array;
  x: Float64Array;
  w: Float64Array;
  depth: Int32Array;
  width: number;
}

/** Depth of every node and the deepest one. */
export function depths(tree: FlameTree): { depth: Int32Array; maxDepth: number } {
  const n = tree.parent.length;
  const depth = new Int32Array(n);
  let maxDepth = 0;
  for (let i = 1; i < n; i++) {
    const d = depth[tree.parent[i]] + 1;
    depth[i] = d;
    if (d > maxDepth) maxDepth = d;
  }
  return { depth, maxDepth };
}

/**
 * The value that sets box widths for sample type t. When comparing, boxes are as
 * wide as current + base, so frames that vanished or appeared stay visible.
 */
export function widths(tree: FlameTree, t: number): Float64Array {
  if (!tree.baseCum) return tree.cum[t];
  const a = tree.cum[t], b = tree.baseCum[t];
  const w = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) w[i] = Math.max(0, a[i]) + Math.max(0, b[i]);
  return w;
}

/** Path from the root to `node`, inclusive. */
export function ancestry(tree: FlameTree, node: number): number[] {
  const out: number[] = [];
  for (let v = node; v >= 0; v = tree.parent[v]) out.push(v);
  return out.reverse();
}

export function layout(tree: FlameTree, weight: Float64Array, depth: Int32Array, zoom: number, width: number, minWidth = 0.5): Layout {
  const n = tree.parent.length;
  let cap = 256;
  let node = new Int32Array(cap), x = new Float64Array(cap), w = new Float64Array(cap), dep = new Int32Array(cap);
  let count = 0;
  const push = (i: number, xi: number, wi: number) => {
    if (count === cap) {
      cap *= 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, b: T): T => { b.set(a); return b; };
      node = grow(node, new Int32Array(cap)); x = grow(x, new Float64Array(cap));
      w = grow(w, new Float64Array(cap)); dep = grow(dep, new Int32Array(cap));
    }
    node[count] = i; x[count] = xi; w[count] = wi; dep[count] = depth[i]; count++;
  };
  // The zoom root's ancestors span the full width, as a trail back to the root.
  for (let v = tree.parent[zoom]; v >= 0; v = tree.parent[v]) push(v, 0, width);
  const total = weight[zoom];
  if (total > 0) {
    const scale = width / total;
    // cursor[i]: where i's next child starts. Only visited nodes get one.
    const cursor = new Float64Array(n);
    push(zoom, 0, width);
    cursor[zoom] = 0;
    const end = zoom + tree.size[zoom];
    for (let i = zoom + 1; i < end;) {
      const p = tree.parent[i];
      const wi = Math.max(0, weight[i]) * scale;
      const xi = cursor[p];
      cursor[p] = xi + wi;
      if (wi < minWidth) { i += tree.size[i]; continue; }
      cursor[i] = xi;
      push(i, xi, wi);
      i++;
    }
  }
  return { count, node, x, w, depth: dep, width };
}

/** Top of a row in pixels: flame puts the root at the bottom, icicle at the top. */
export function rowTop(depth: number, maxDepth: number, rowHeight: number, orientation: Orientation): number {
  return orientation === 'flame' ? (maxDepth - depth) * rowHeight : depth * rowHeight;
}

/** The row under a y coordinate (inverse of rowTop). */
export function rowAt(y: number, maxDepth: number, rowHeight: number, orientation: Orientation): number {
  const r = Math.floor(y / rowHeight);
  return orientation === 'flame' ? maxDepth - r : r;
}

/** Index into the layout of the box at (x, depth), or -1. */
export function hit(l: Layout, x: number, depth: number): number {
  for (let k = 0; k < l.count; k++) if (l.depth[k] === depth && x >= l.x[k] && x < l.x[k] + l.w[k]) return k;
  return -1;
}

/** Index into the layout of a node, or -1 when it is not drawn. */
export function indexOf(l: Layout, node: number): number {
  for (let k = 0; k < l.count; k++) if (l.node[k] === node) return k;
  return -1;
}

export type Direction = 'up' | 'down' | 'left' | 'right';

/**
 * Keyboard movement in screen directions. Up/down go to the parent or the widest
 * drawn child depending on orientation; left/right to the neighbouring drawn box
 * in the same row. Returns the layout index to select (the same when blocked).
 */
export function navigate(tree: FlameTree, l: Layout, from: number, dir: Direction, orientation: Orientation): number {
  if (from < 0 || from >= l.count) return l.count ? 0 : -1;
  const d = l.depth[from];
  if (dir === 'left' || dir === 'right') {
    const step = dir === 'left' ? -1 : 1;
    // Layout order is preorder, so within a row boxes appear left to right.
    for (let k = from + step; k >= 0 && k < l.count; k += step) if (l.depth[k] === d) return k;
    return from;
  }
  const deeper = (dir === 'up') === (orientation === 'flame');
  const node = l.node[from];
  if (!deeper) {
    const k = indexOf(l, tree.parent[node]);
    return k < 0 ? from : k;
  }
  let best = -1;
  for (let k = 0; k < l.count; k++) if (tree.parent[l.node[k]] === node && (best < 0 || l.w[k] > l.w[best])) best = k;
  return best < 0 ? from : best;
}
