// Builds the struct-of-arrays FlameTree from stacks, merging equal frames. Used by
// the extension (profile -> tree, current + base -> union tree for diffs) and by
// the webview (top-down tree -> inverted caller tree). Pure: no DOM, no vscode.
import type { FlameTree } from '../../../server/src/protocol/webview';

export class TreeBuilder {
  private readonly names: string[] = [];
  private readonly files: string[] = [];
  private readonly nameIds = new Map<string, number>();
  private readonly fileIds = new Map<string, number>();
  private readonly frameIds = new Map<string, number>();
  private readonly frameName: number[] = [];
  private readonly frameFile: number[] = [];
  private readonly frameLine: number[] = [];
  // Trie: per node, its frame and its children keyed by frame.
  private readonly nodeFrame: number[] = [-1];
  private readonly nodeParent: number[] = [-1];
  private readonly kids: (Map<number, number> | undefined)[] = [undefined];
  private readonly cum: number[][];
  private readonly self: number[][];
  private readonly baseCum: number[][];
  private readonly baseSelf: number[][];
  private hasBase = false;

  constructor(private readonly types: number) {
    const mk = () => Array.from({ length: types }, () => [0]);
    this.cum = mk(); this.self = mk(); this.baseCum = mk(); this.baseSelf = mk();
  }

  private intern(table: string[], ids: Map<string, number>, s: string): number {
    let id = ids.get(s);
    if (id === undefined) { id = table.length; table.push(s); ids.set(s, id); }
    return id;
  }

  /**
   * Interns a frame. Frames merge per function (name and file), as pprof's flame
   * graph does; the line kept is the first one seen, where "open source" goes.
   */
  frame(name: string, file: string, line: number): number {
    const n = this.intern(this.names, this.nameIds, name);
    const f = this.intern(this.files, this.fileIds, file);
    const key = `${n}\u0000${f}`;
    let id = this.frameIds.get(key);
    if (id === undefined) {
      id = this.frameName.length;
      this.frameIds.set(key, id);
      this.frameName.push(n); this.frameFile.push(f); this.frameLine.push(line);
    }
    return id;
  }

  /** The child of `parent` for `frame`, created on first use. The root is node 0. */
  child(parent: number, frame: number): number {
    let m = this.kids[parent];
    if (!m) { m = new Map(); this.kids[parent] = m; }
    let c = m.get(frame);
    if (c === undefined) {
      c = this.nodeFrame.length;
      m.set(frame, c);
      this.nodeFrame.push(frame); this.nodeParent.push(parent); this.kids.push(undefined);
      for (let t = 0; t < this.types; t++) { this.cum[t].push(0); this.self[t].push(0); this.baseCum[t].push(0); this.baseSelf[t].push(0); }
    }
    return c;
  }

  /** Adds values as `node`'s flat values and to the cum of it and every ancestor. */
  addSelf(node: number, values: ArrayLike<number>, base = false): void {
    const cum = base ? this.baseCum : this.cum;
    const self = base ? this.baseSelf : this.self;
    if (base) this.hasBase = true;
    for (let t = 0; t < this.types; t++) self[t][node] += values[t];
    for (let n = node; n >= 0; n = this.nodeParent[n]) for (let t = 0; t < this.types; t++) cum[t][n] += values[t];
  }

  /** Adds already-aggregated values to one node, without propagating to ancestors. */
  addValues(node: number, cum: ArrayLike<number>, self: ArrayLike<number>, base = false): void {
    const c = base ? this.baseCum : this.cum;
    const s = base ? this.baseSelf : this.self;
    if (base) this.hasBase = true;
    for (let t = 0; t < this.types; t++) { c[t][node] += cum[t]; s[t][node] += self[t]; }
  }

  /** Adds one stack, frames given root-first. */
  addStack(framesRootFirst: ArrayLike<number>, values: ArrayLike<number>, base = false): void {
    let node = 0;
    for (let i = 0; i < framesRootFirst.length; i++) node = this.child(node, framesRootFirst[i]);
    this.addSelf(node, values, base);
  }

  /**
   * Flattens to preorder arrays. Siblings are sorted by function name (stable
   * positions across sample types), or by descending cum of `byValueOf` sample type.
   */
  build(rootName = 'total', byValueOf?: number): FlameTree {
    const n = this.nodeFrame.length;
    const rootNameId = this.intern(this.names, this.nameIds, rootName);
    const emptyFile = this.intern(this.files, this.fileIds, '');
    const out = {
      name: new Int32Array(n), file: new Int32Array(n), line: new Int32Array(n),
      parent: new Int32Array(n), size: new Int32Array(n),
    };
    const byValue = byValueOf === undefined ? undefined : this.cum[byValueOf];
    const cmp = byValue ? (a: number, b: number) => byValue[b] - byValue[a] : ((a: number, b: number) => {
      const fa = this.nodeFrame[a], fb = this.nodeFrame[b];
      const na = this.names[this.frameName[fa]], nb = this.names[this.frameName[fb]];
      return na < nb ? -1 : na > nb ? 1 : this.frameLine[fa] - this.frameLine[fb];
    });
    const newIndex = new Int32Array(n);
    // Iterative preorder DFS: a stack of trie nodes still to place.
    const stack: number[] = [0];
    let next = 0;
    while (stack.length) {
      const v = stack.pop()!;
      const i = next++;
      newIndex[v] = i;
      if (v === 0) { out.name[i] = rootNameId; out.file[i] = emptyFile; out.parent[i] = -1; }
      else {
        const f = this.nodeFrame[v];
        out.name[i] = this.frameName[f]; out.file[i] = this.frameFile[f]; out.line[i] = this.frameLine[f];
        out.parent[i] = newIndex[this.nodeParent[v]];
      }
      const m = this.kids[v];
      if (m) {
        const cs = [...m.values()].sort(cmp);
        for (let k = cs.length - 1; k >= 0; k--) stack.push(cs[k]);
      }
    }
    out.size.fill(1);
    for (let i = n - 1; i > 0; i--) out.size[out.parent[i]] += out.size[i];
    const remap = (src: number[][]) => src.map((col) => {
      const a = new Float64Array(n);
      for (let v = 0; v < n; v++) a[newIndex[v]] = col[v];
      return a;
    });
    const tree: FlameTree = {
      names: this.names.slice(), files: this.files.slice(), ...out,
      cum: remap(this.cum), self: remap(this.self),
    };
    if (this.hasBase) { tree.baseCum = remap(this.baseCum); tree.baseSelf = remap(this.baseSelf); }
    return tree;
  }
}
