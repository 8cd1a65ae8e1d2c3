// Which function a line belongs to, read from gofmt'd source: top-level declarations
// start in column 0, so walking up from the line, the first column-0 line decides.
// Pure (lines in, a name out); used to group allocations by function.

/** `Func`, `(*T).Method`, `(T).Method`, or `package level` (var initialisers, a line outside any function). */
export function enclosingFunction(read: (line1: number) => string | undefined, line1: number): string {
  // (A raw string holding a column-0 line that looks like a declaration can mislead it.)
  for (let l = line1, seen = 0; l >= 1 && seen < 20_000; l--, seen++) {
    const t = read(l);
    if (t === undefined) continue;
    if (!t || /^[\s/]/.test(t)) continue;
    const m = /^func\s*(?:\(\s*(?:[\p{L}\p{N}_]+\s+)?(\*?)\s*([\p{L}\p{N}_]+)[^)]*\)\s*)?([\p{L}\p{N}_]+)/u.exec(t);
    if (m) return m[2] ? `(${m[1]}${m[2]}).${m[3]}` : m[3];
    if (/^[}\])]|^(var|const|type|import|package)\b/.test(t)) return 'package level';
  }
  return 'package level';
}
