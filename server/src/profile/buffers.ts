// Growable typed arrays and the trees the decoder and the aggregation fill. Big
// profiles make trees of a million nodes, looked up tens of millions of times, so
// the lookup table keeps (parent, key, node) side by side: one cache miss a probe.
import type { LocationIndexes, StackTable } from './model';

type Typed = Int32Array | Float64Array | Uint32Array;

/**
 * An append-only typed array that doubles when full: one class per element type,
 * so each `push` stores into one kind of array (a push shared by all three kinds
 * was a polymorphic store, and 40% of decoding a million samples).
 */
abstract class TypedList<A extends Typed> {
  length = 0;
  constructor(public data: A) {}
  /** A right-sized copy (its .buffer holds exactly the data: safe to transfer). */
  i32(): Int32Array { return this.data instanceof Int32Array ? this.data.slice(0, this.length) : Int32Array.from(this.data.subarray(0, this.length)); }
  f64(): Float64Array { return this.data instanceof Float64Array ? this.data.slice(0, this.length) : Float64Array.from(this.data.subarray(0, this.length)); }
  u32(): Uint32Array { return this.data instanceof Uint32Array ? this.data.slice(0, this.length) : Uint32Array.from(this.data.subarray(0, this.length)); }
  /**
   * The filled part as a view, no copy (copying the biggest arrays would briefly
   * need both). Its .buffer may be larger than the view (a reservation never
   * written: address space, not memory); send a slice() to another process.
   * Push no more afterwards.
   */
  viewF64(): Float64Array { return this.data instanceof Float64Array ? this.data.subarray(0, this.length) : this.f64(); }
  viewI32(): Int32Array { return this.data instanceof Int32Array ? this.data.subarray(0, this.length) : this.i32(); }
}

export class GrowableI32 extends TypedList<Int32Array> {
  constructor(capacity = 64) { super(new Int32Array(capacity)); }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = new Int32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

export class GrowableF64 extends TypedList<Float64Array> {
  constructor(capacity = 64) { super(new Float64Array(capacity)); }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = new Float64Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

export class GrowableU32 extends TypedList<Uint32Array> {
  constructor(capacity = 64) { super(new Uint32Array(capacity)); }
  push(v: number): void {
    if (this.length === this.data.length) this.grow();
    this.data[this.length++] = v;
  }
  private grow(): void {
    const next = new Uint32Array(this.data.length * 2);
    next.set(this.data);
    this.data = next;
  }
}

/** A tree whose nodes are found by (parent, key), both int32. Node 0 is the root. */
export class KeyedTree {
  readonly parent: GrowableI32;
  readonly key: GrowableI32;
  /** Open addressing, 3 ints a slot: parent, key, node (node −1 = empty). */
  private slots: Int32Array;
  private mask: number;
  private limit: number;
  /**
   * `expected` sizes the lookup table; `most` (at least that) reserves the node arrays,
   * which then never move: pages never written cost address space, not memory.
   */
  constructor(expected = 512, most = expected) {
    const size = tableSize(expected);
    this.slots = emptySlots(size);
    this.mask = size - 1;
    this.limit = size - (size >>> 2);
    this.parent = new GrowableI32(Math.max(64, most));
    this.key = new GrowableI32(Math.max(64, most));
    this.parent.push(-1);
    this.key.push(-1);
  }
  get count(): number { return this.parent.length; }

  child(parent: number, key: number): number {
    const slots = this.slots, mask = this.mask;
    let h = hash(parent, key) & mask;
    for (;;) {
      const i = h * 3;
      const n = slots[i + 2];
      if (n === -1) break;
      if (slots[i] === parent && slots[i + 1] === key) return n;
      h = (h + 1) & mask;
    }
    const n = this.parent.length;
    this.parent.push(parent);
    this.key.push(key);
    const i = h * 3;
    slots[i] = parent; slots[i + 1] = key; slots[i + 2] = n;
    if (n > this.limit) this.rehash();
    return n;
  }

  private rehash(): void {
    const old = this.slots;
    const size = (this.mask + 1) * 2;
    const slots = emptySlots(size);
    const mask = size - 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === -1) continue;
      let h = hash(old[i], old[i + 1]) & mask;
      while (slots[h * 3 + 2] !== -1) h = (h + 1) & mask;
      slots[h * 3] = old[i]; slots[h * 3 + 1] = old[i + 1]; slots[h * 3 + 2] = old[i + 2];
    }
    this.slots = slots;
    this.mask = mask;
    this.limit = size - (size >>> 2);
  }

  /** Drops the lookup table; the tree's arrays stay. */
  seal(): void { this.slots = new Int32Array(3).fill(-1); this.mask = 0; this.limit = Infinity; }
}

/**
 * The location ids of every sample's stack, as read (leaf first), kept raw until the
 * location table is known (it may follow the samples on the wire; `finish` resolves
 * ids in place). A sample whose stack equals the one before shares its entry; no
 * other interning: in real heap profiles almost every stack is distinct, and
 * hashing them cost more than everything else in `top`. Entries are as narrow as
 * the largest location id the decoder expects (`maxId`): tens of millions of frames
 * are the biggest array of a profile, and every fresh page of it costs time. An id
 * that does not fit widens the array to int32 once; ids above int32 (rare) get
 * negative stand-ins.
 */
export class StackEntries {
  /** Filled part: keys[0 .. len-1]. The decoder's hot loop writes here directly (see `room`). */
  keys: LocationIndexes;
  /** The largest id `keys` can hold as it is; the hot loop widens through `push` above it. */
  maxKey: number;
  len = 0;
  private begun = 0;
  private readonly starts: GrowableI32;
  private readonly bigIds = new Map<number, number>();
  private readonly bigIdList: number[] = [];

  /**
   * `over` is called (and must throw) when more than `limit` entries arrive;
   * `stacks` reserves room for that many stacks (growing would copy them).
   */
  constructor(capacity: number, private readonly limit: number, private readonly over: () => void, maxId = Infinity, stacks = 1024) {
    const n = Math.max(64, Math.min(capacity, limit));
    this.starts = new GrowableI32(Math.max(64, stacks));
    this.keys = maxId <= 0xff ? new Uint8Array(n) : maxId <= 0xffff ? new Uint16Array(n) : new Int32Array(n);
    this.maxKey = keyLimit(this.keys);
    this.starts.push(0);
  }

  begin(): void { this.begun = this.len; }

  push(id: number): void {
    if (this.len === this.keys.length) this.grow();
    if (id > this.maxKey) this.widen();
    this.keys[this.len++] = id <= 0x7fffffff ? id : this.keyOf(id);
  }

  /** Makes room for `n` more entries; returns `keys` (it may have moved). */
  room(n: number): LocationIndexes {
    while (this.len + n > this.keys.length) this.grow();
    return this.keys;
  }

  private keyOf(id: number): number {
    let k = this.bigIds.get(id);
    if (k === undefined) { k = -1 - this.bigIdList.length; this.bigIds.set(id, k); this.bigIdList.push(id); }
    return k;
  }

  private grow(): void {
    if (this.keys.length >= this.limit) this.over();
    this.resize(Math.min(this.limit, this.keys.length * 2), 'same');
  }

  private widen(): void { this.resize(this.keys.length, 'i32'); }

  private resize(size: number, kind: 'same' | 'i32'): void {
    const old = this.keys;
    const next = kind === 'i32' || old instanceof Int32Array ? new Int32Array(size) : old instanceof Uint16Array ? new Uint16Array(size) : new Uint8Array(size);
    next.set(old.subarray(0, this.len));
    this.keys = next;
    this.maxKey = keyLimit(next);
  }

  /** The stack index of the sample just read. */
  end(): number {
    const n = this.starts.length - 1;
    const starts = this.starts.data, keys = this.keys;
    const len = this.len - this.begun;
    if (n > 0 && starts[n] - starts[n - 1] === len) {
      const prev = starts[n - 1], cur = this.begun;
      let i = 0;
      while (i < len && keys[prev + i] === keys[cur + i]) i++;
      if (i === len) { this.len = cur; return n - 1; }
    }
    this.starts.push(this.len);
    return n;
  }

  /**
   * Resolves ids to location indexes (below `locationCount`) in place (through
   * `dense`, id → index or −1, when ids are small, else `lookup`), throwing for
   * unknown ones; hands over the arrays.
   */
  finish(dense: Int32Array | null, lookup: (id: number) => number, locationCount: number): StackTable {
    if (locationCount - 1 > this.maxKey) this.widen();
    const n = this.len, keys = this.keys;
    if (dense) {
      const size = dense.length;
      for (let e = 0; e < n; e++) {
        const k = keys[e];
        const i = k >= 0 && k < size ? dense[k] : -1;
        keys[e] = i >= 0 ? i : lookup(k >= 0 ? k : this.bigIdList[-1 - k]);
      }
    } else {
      let lastKey = 0, lastIdx = -1;
      for (let e = 0; e < n; e++) {
        const k = keys[e];
        if (k !== lastKey || lastIdx < 0) { lastKey = k; lastIdx = lookup(k >= 0 ? k : this.bigIdList[-1 - k]); }
        keys[e] = lastIdx;
      }
    }
    // A view: the reserved tail was never written, so it holds no memory (its
    // .buffer is larger than the view; send a slice() to another process).
    const location = keys.subarray(0, n);
    this.keys = new Int32Array(0);
    return { count: this.starts.length - 1, start: this.starts.viewI32(), location };
  }
}

/**
 * Every sample's values, row-major, as int32 while they fit (heap profiles' counts
 * and bytes per stack nearly always do), float64 from the first that does not:
 * half the memory of the second-biggest array. The decoder's hot loop writes
 * `data` directly (see `room`); anything else goes through `push`.
 */
export class SampleValues {
  data: Int32Array | Float64Array;
  length = 0;
  constructor(capacity: number) { this.data = new Int32Array(Math.max(64, capacity)); }

  push(v: number): void {
    if (this.length === this.data.length) this.resize(this.data.length * 2, false);
    if ((v | 0) !== v && this.data instanceof Int32Array) this.resize(this.data.length, true);
    this.data[this.length++] = v;
  }

  /** Makes room for `n` more values; returns `data` (it may have moved). */
  room(n: number): Int32Array | Float64Array {
    while (this.length + n > this.data.length) this.resize(this.data.length * 2, false);
    return this.data;
  }

  private resize(size: number, wide: boolean): void {
    const next = wide || this.data instanceof Float64Array ? new Float64Array(size) : new Int32Array(size);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }

  /** The filled part, no copy (see TypedList.viewF64). */
  view(): Int32Array | Float64Array { return this.data.subarray(0, this.length); }
}

function keyLimit(a: LocationIndexes): number {
  return a instanceof Uint8Array ? 0xff : a instanceof Uint16Array ? 0xffff : Infinity;
}

/** (int32, int32) → int32 lookups, open addressing, 3 ints a slot; −1 when absent. */
export class PairMap {
  private slots = emptySlots(1024);
  private mask = 1023;
  private size = 0;

  get(a: number, b: number): number {
    const slots = this.slots, mask = this.mask;
    for (let h = hash(a, b) & mask; ; h = (h + 1) & mask) {
      const i = h * 3;
      if (slots[i + 2] === -1) return -1;
      if (slots[i] === a && slots[i + 1] === b) return slots[i + 2];
    }
  }

  /** Adds (a, b) → v; (a, b) must be absent. */
  set(a: number, b: number, v: number): void {
    if (++this.size * 2 > this.mask) this.grow();
    const slots = this.slots, mask = this.mask;
    let h = hash(a, b) & mask;
    while (slots[h * 3 + 2] !== -1) h = (h + 1) & mask;
    slots[h * 3] = a; slots[h * 3 + 1] = b; slots[h * 3 + 2] = v;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = emptySlots((this.mask + 1) * 2);
    this.mask = this.mask * 2 + 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === -1) continue;
      let h = hash(old[i], old[i + 1]) & this.mask;
      while (this.slots[h * 3 + 2] !== -1) h = (h + 1) & this.mask;
      this.slots[h * 3] = old[i]; this.slots[h * 3 + 1] = old[i + 1]; this.slots[h * 3 + 2] = old[i + 2];
    }
  }
}

function hash(parent: number, key: number): number {
  let h = Math.imul(parent, 0x9e3779b1) ^ Math.imul(key, 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}

function emptySlots(size: number): Int32Array {
  const s = new Int32Array(size * 3);
  for (let i = 2; i < s.length; i += 3) s[i] = -1;
  return s;
}

/** A power of two with room for `expected` entries at load factor ≤ 1/2. */
function tableSize(expected: number): number {
  let size = 1024;
  while (size < expected * 2 && size < 1 << 26) size *= 2;
  return size;
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
