// Which frame of a stack is "yours": the innermost frame outside Go's standard
// library, so growth lands on the line of your code that caused it, not on
// runtime.makeslice or bytes.growSlice.
import type { Profile } from '../profile/model';

/** Top-level import paths of Go's standard library (go list std, first element). */
const STD_ROOTS = new Set([
  'archive', 'bufio', 'builtin', 'bytes', 'cmp', 'compress', 'container', 'context', 'crypto', 'database',
  'debug', 'embed', 'encoding', 'errors', 'expvar', 'flag', 'fmt', 'go', 'hash', 'html', 'image', 'index',
  'internal', 'io', 'iter', 'log', 'maps', 'math', 'mime', 'net', 'os', 'path', 'plugin', 'reflect', 'regexp',
  'runtime', 'slices', 'sort', 'strconv', 'strings', 'structs', 'sync', 'syscall', 'testing', 'text', 'time',
  'unicode', 'unique', 'unsafe', 'vendor', 'weak',
]);

/** The import path of a Go symbol name: `net/http.(*conn).serve` → `net/http`. */
export function packageOf(fn: string): string {
  const bracket = fn.indexOf('[');
  const name = bracket >= 0 ? fn.slice(0, bracket) : fn;
  const slash = name.lastIndexOf('/');
  const dot = name.indexOf('.', slash + 1);
  return dot >= 0 ? name.slice(0, dot) : name;
}

export function isStdlib(fn: string): boolean {
  const pkg = packageOf(fn);
  return STD_ROOTS.has(pkg.split('/')[0]);
}

export interface FrameRef {
  fn: string;
  file: string;
  line: number;
}

/** The frames of stack `s`, leaf first, inlined frames expanded (innermost first). */
export function stackFrames(p: Profile, s: number): FrameRef[] {
  const { start, location } = p.stacks;
  const { lineStart, lineFunction, lineNumber } = p.locations;
  const out: FrameRef[] = [];
  for (let i = start[s]; i < start[s + 1]; i++) {
    const loc = location[i];
    for (let j = lineStart[loc]; j < lineStart[loc + 1]; j++) {
      const f = lineFunction[j];
      out.push(f < 0
        ? { fn: '?', file: '', line: 0 }
        : { fn: p.strings[p.functions.name[f]], file: p.strings[p.functions.filename[f]], line: lineNumber[j] });
    }
  }
  return out;
}

/** Index (into leaf-first frames) of the innermost non-standard-library frame, else 0. */
export function siteIndex(frames: FrameRef[]): number {
  const i = frames.findIndex((f) => !isStdlib(f.fn));
  return i < 0 ? 0 : i;
}

export const siteKey = (f: FrameRef) => `${f.fn}\0${f.file}\0${f.line}`;
