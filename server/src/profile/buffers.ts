// Growable typed arrays and the stack prefix tree the decoder fills while it walks.
import type { StackTrie } from './model';

type Kind = 'i32' | 'f64';

/** An append-only typed array that doubles when full. */
export class Growable {
  data: Int32Array | Float64Array;
  length = 0;
  constructor(private readonly kind: Kind, capacity = 64) {
    this.data = kind === 'i32' ? new Int32Array(capacity) : new Float64Array(capacity);
  }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = this.kind === 'i32' ? new Int32Array(this.data.length * 2) : new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
  /** A right-sized copy (the growable may be reused or dropped afterwards). */
  i32(): Int32Array { return this.data instanceof Int32Array ? this.data.slice(0, this.length) : Int32Array.from(this.data.subarray(0, this.length)); }
  f64(): Float64Array { return this.data instanceof Float64Array ? this.data.slice(0, this.length) : Float64Array.from(this.data.subarray(0, this.length)); }
}

/**
 * Prefix tree of stacks keyed by raw location ids (the location table may come
 * after the samples on the wire, so ids are resolved in `finish`). Open addressing
 * on (parent, id).
 */
export class IdStackTrie {
  private parent = new Growable('i32');
  private id = new Growable('f64');
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  constructor() {
    this.parent.push(-1);
    this.id.push(0);
  }
  get count(): number { return this.parent.length; }

  child(parent: number, id: number): number {
    const pd = this.parent.data, idd = this.id.data;
    let h = hash(parent, id) & this.mask;
    for (;;) {
      const n = this.slots[h];
      if (n === -1) break;
      if (pd[n] === parent && idd[n] === id) return n;
      h = (h + 1) & this.mask;
    }
    const n = this.parent.length;
    this.parent.push(parent);
    this.id.push(id);
    this.slots[h] = n;
    if (n * 2 > this.mask) this.rehash();
    return n;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const pd = this.parent.data, idd = this.id.data;
    for (let n = 1; n < this.parent.length; n++) {
      let h = hash(pd[n], idd[n]) & this.mask;
      while (this.slots[h] !== -1) h = (h + 1) & this.mask;
      this.slots[h] = n;
    }
  }

  finish(locationIndex: (id: number) => number): StackTrie {
    const count = this.parent.length;
    const location = new Int32Array(count);
    location[0] = -1;
    const idd = this.id.data;
    let lastId = NaN, lastIdx = -1;
    for (let n = 1; n < count; n++) {
      if (idd[n] !== lastId) { lastId = idd[n]; lastIdx = locationIndex(lastId); }
      location[n] = lastIdx;
    }
    this.slots = new Int32Array(0);
    return { count, parent: this.parent.i32(), location };
  }
}

function hash(parent: number, id: number): number {
  // Ids are usually small integers; fold the high part in for the rest.
  const lo = id | 0;
  const hi = (id / 4294967296) | 0;
  let h = Math.imul(parent ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(lo ^ hi, 0xc2b2ae35);
  h ^= h >>> 15;
  return h;
}

/** A tree whose nodes are found by (parent, key), both small non-negative ints. Node 0 is the root. */
export class KeyedTree {
  readonly parent = new Growable('i32');
  readonly key = new Growable('i32');
  private slots = new Int32Array(1024).fill(-1);
  private mask = 1023;
  constructor() {
    this.parent.push(-1);
    this.key.push(-1);
  }
  get count(): number { return this.parent.length; }

  /** The child of `parent` with `key`; `created` tells whether it is new. */
  child(parent: number, key: number): number {
    const pd = this.parent.data, kd = this.key.data;
    let h = hash(parent, key) & this.mask;
    for (;;) {
      const n = this.slots[h];
      if (n === -1) break;
      if (pd[n] === parent && kd[n] === key) return n;
      h = (h + 1) & this.mask;
    }
    const n = this.parent.length;
    this.parent.push(parent);
    this.key.push(key);
    this.slots[h] = n;
    if (n * 2 > this.mask) this.rehash();
    return n;
  }

  private rehash(): void {
    const size = (this.mask + 1) * 2;
    this.slots = new Int32Array(size).fill(-1);
    this.mask = size - 1;
    const pd = this.parent.data, kd = this.key.data;
    for (let n = 1; n < this.parent.length; n++) {
      let h = hash(pd[n], kd[n]) & this.mask;
      while (this.slots[h] !== -1) h = (h + 1) & this.mask;
      this.slots[h] = n;
    }
  }

  /** Drops the lookup table; the tree's arrays stay. */
  seal(): void { this.slots = new Int32Array(0); this.mask = 0; }
}

/** firstChild/nextSibling links for a parent array where parent[n] < n. Children keep creation order. */
export function childLinks(parent: Int32Array, count: number): { firstChild: Int32Array; nextSibling: Int32Array } {
  const firstChild = new Int32Array(count).fill(-1);
  const nextSibling = new Int32Array(count).fill(-1);
  for (let n = count - 1; n >= 1; n--) {
    const p = parent[n];
    nextSibling[n] = firstChild[p];
    firstChild[p] = n;
  }
  return { firstChild, nextSibling };
}
