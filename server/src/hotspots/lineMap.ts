// Keeps a profile's line numbers on the right lines while a file is edited. The
// profile speaks of the file as it was on disk; each new version of the buffer is
// compared with the previous one line by line (common head and tail): lines
// inserted or deleted around a line move it, a line whose own text changed loses
// its annotation. Comparing versions (common head and tail, then a line diff of
// the middle), not replaying change ranges, gives the same answer for incremental
// and full-text syncs.

export class LineMap {
  /** For each current line (0-based), the original line (0-based), or -1. */
  private origOf: Int32Array;
  private currentOf: Int32Array | undefined;
  private lines: string[];
  private readonly originalCount: number;

  /** `original` is the text the profile's line numbers refer to; `current` the buffer. */
  constructor(original: string, current: string = original) {
    this.lines = splitLines(original);
    this.origOf = Int32Array.from(this.lines, (_, i) => i);
    this.originalCount = this.lines.length;
    if (current !== original) this.update(current);
  }

  /** Applies a new version of the buffer. */
  update(text: string): void {
    const next = splitLines(text);
    const prev = this.lines;
    let head = 0;
    const max = Math.min(prev.length, next.length);
    while (head < max && prev[head] === next[head]) head++;
    let tail = 0;
    while (tail < max - head && prev[prev.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
    const out = new Int32Array(next.length);
    out.set(this.origOf.subarray(0, head), 0);
    out.fill(-1, head, next.length - tail);
    out.set(this.origOf.subarray(prev.length - tail), next.length - tail);
    // Several edits in one version (multi-cursor, full-text sync): match the middle line by line.
    for (const [i, j] of matchLines(prev, head, prev.length - tail, next, head, next.length - tail)) out[j] = this.origOf[i];
    this.origOf = out;
    this.lines = next;
    this.currentOf = undefined;
  }

  /** Whether any line moved or changed since the original. */
  get edited(): boolean {
    return this.origOf.length !== this.originalCount || this.origOf.some((o, i) => o !== i);
  }

  /** Original line (0-based) shown at current line `cur`, or -1 when it changed. */
  original(cur: number): number {
    return cur >= 0 && cur < this.origOf.length ? this.origOf[cur] : -1;
  }

  /** Current line (0-based) of original line `orig`, or -1 when it was changed or deleted. */
  current(orig: number): number {
    if (!this.currentOf) {
      let n = 0;
      for (const o of this.origOf) n = Math.max(n, o + 1);
      this.currentOf = new Int32Array(n).fill(-1);
      this.origOf.forEach((o, i) => { if (o >= 0) this.currentOf![o] = i; });
    }
    return orig >= 0 && orig < this.currentOf.length ? this.currentOf[orig] : -1;
  }

  /** Text of a current line. */
  text(cur: number): string | undefined {
    return this.lines[cur];
  }
}

/** Middles larger than this (old × new lines) count as rewritten rather than diffed. */
const MAX_DIFF_CELLS = 4_000_000;

/** Longest common subsequence of prev[a0,a1) and next[b0,b1), as matched index pairs. */
function matchLines(prev: string[], a0: number, a1: number, next: string[], b0: number, b1: number): [number, number][] {
  const n = a1 - a0, m = b1 - b0;
  if (n === 0 || m === 0 || (n + 1) * (m + 1) > MAX_DIFF_CELLS) return [];
  const w = m + 1;
  const dp = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i * w + j] = prev[a0 + i] === next[b0 + j] ? dp[(i + 1) * w + j + 1] + 1 : Math.max(dp[(i + 1) * w + j], dp[i * w + j + 1]);
    }
  }
  const pairs: [number, number][] = [];
  for (let i = 0, j = 0; i < n && j < m;) {
    if (prev[a0 + i] === next[b0 + j]) { pairs.push([a0 + i, b0 + j]); i++; j++; }
    else if (dp[(i + 1) * w + j] >= dp[i * w + j + 1]) i++;
    else j++;
  }
  return pairs;
}

function splitLines(text: string): string[] {
  return text.split(/\r?\n/);
}
