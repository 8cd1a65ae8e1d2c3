// The last K snapshots: summaries in memory, the profiles as served on disk
// (when a directory is given) or in memory. Older ones are dropped, so memory and
// disk stay bounded however long the watch runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Snapshot, SnapshotBytes } from './snapshot';

const FILE = /^(\d+)\.(heap|goroutine)\.pb\.gz$|^(\d+)\.json$/;

export class SnapshotRing {
  private readonly snaps: Snapshot[] = [];
  private readonly bytes = new Map<number, SnapshotBytes>();

  /** `dir` is emptied of an earlier watch's snapshot files and then owned by the ring. */
  constructor(readonly keep: number, readonly dir?: string) {
    if (keep < 2) throw new RangeError('a watch keeps at least 2 snapshots');
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      for (const f of fs.readdirSync(dir)) if (FILE.test(f)) fs.rmSync(path.join(dir, f), { force: true });
    }
  }

  add(s: Snapshot, b: SnapshotBytes): void {
    const prev = this.snaps[this.snaps.length - 1];
    // Call paths and leaked goroutines' stacks are shown for the last snapshot only.
    if (prev) {
      prev.heap.paths = undefined;
      if (prev.goroutines) prev.goroutines.paths = undefined;
      if (prev.leaked) prev.leaked = { total: prev.leaked.total, groups: [] };
    }
    this.snaps.push(s);
    if (this.dir) {
      const stem = path.join(this.dir, String(s.seq).padStart(6, '0'));
      fs.writeFileSync(`${stem}.heap.pb.gz`, b.heap);
      if (b.goroutine) fs.writeFileSync(`${stem}.goroutine.pb.gz`, b.goroutine);
      fs.writeFileSync(`${stem}.json`, JSON.stringify({
        seq: s.seq, takenAt: s.takenAt, durationMs: s.durationMs, inuseBytes: s.heap.inuseBytes,
        inuseObjects: s.heap.inuseObjects, goroutines: s.goroutines?.total ?? null, metrics: s.metrics,
        leakedGoroutines: s.leaked?.total ?? null,
      }) + '\n');
    } else {
      this.bytes.set(s.seq, b);
    }
    while (this.snaps.length > this.keep) this.drop(this.snaps.shift()!);
  }

  /** Oldest first. */
  all(): readonly Snapshot[] {
    return this.snaps;
  }

  get size(): number {
    return this.snaps.length;
  }

  last(): Snapshot | undefined {
    return this.snaps[this.snaps.length - 1];
  }

  /** Snapshots from `baseSeq` (default: the oldest kept) to the last. */
  from(baseSeq?: number): Snapshot[] {
    const i = baseSeq === undefined ? 0 : this.snaps.findIndex((s) => s.seq === baseSeq);
    return i < 0 ? [] : this.snaps.slice(i);
  }

  /** The profiles of a kept snapshot, as served. */
  profiles(seq: number): SnapshotBytes | undefined {
    if (!this.snaps.some((s) => s.seq === seq)) return undefined;
    if (!this.dir) return this.bytes.get(seq);
    const stem = path.join(this.dir, String(seq).padStart(6, '0'));
    const read = (f: string) => { try { return new Uint8Array(fs.readFileSync(f)); } catch { return null; } };
    const heap = read(`${stem}.heap.pb.gz`);
    return heap ? { heap, goroutine: read(`${stem}.goroutine.pb.gz`) } : undefined;
  }

  /** Bytes of the snapshot files on disk. */
  diskBytes(): number {
    if (!this.dir) return 0;
    let n = 0;
    for (const f of fs.readdirSync(this.dir)) if (FILE.test(f)) n += fs.statSync(path.join(this.dir, f)).size;
    return n;
  }

  private drop(s: Snapshot): void {
    this.bytes.delete(s.seq);
    if (!this.dir) return;
    const stem = path.join(this.dir, String(s.seq).padStart(6, '0'));
    for (const ext of ['.heap.pb.gz', '.goroutine.pb.gz', '.json']) fs.rmSync(stem + ext, { force: true });
  }
}
