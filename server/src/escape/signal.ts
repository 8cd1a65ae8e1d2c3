// What a Go developer sees by default: the findings that are real heap allocations
// in the module's own code, with the ones on cold paths set apart. Pure: it reads
// source lines through a callback and decides; the editor and the CLI both use it.
import * as path from 'node:path';
import type { Finding } from './types';

/** Why an allocation is on a cold path: it runs when things go wrong, or only in tests. */
export type ColdReason = 'error' | 'panic' | 'test-failure' | 'test';

export const coldReasonText: Record<ColdReason, string> = {
  'error': 'on an error path (building an error value)',
  'panic': 'on a panic or fatal path',
  'test-failure': 'in a test failure or log message',
  'test': 'in test code outside a benchmark loop',
};

/** 1-based line of a file, or undefined past its end or when unreadable. */
export type SourceLines = (file: string, line1: number) => string | undefined;

export interface Signal {
  /** A verdict that puts memory on the heap: moved to heap, or escapes without the compiler boxing it statically. */
  allocates: boolean;
  /** Set when the allocation happens only on a cold path. */
  cold?: ColdReason;
}

/** Files the compiler reports that are not the module's source: the generated test main, wrappers. */
export function isOwnSourceFile(f: Pick<Finding, 'file' | 'path'>): boolean {
  return !!f.path && !f.file.startsWith('<') && path.basename(f.path) !== '_testmain.go' && f.path.endsWith('.go');
}

export function isAllocation(f: Finding): boolean {
  return (f.kind === 'moved-to-heap' || f.kind === 'escapes-to-heap') && !f.noAlloc;
}

// Calls whose arguments are built only when something went wrong.
const ERROR_CALL = /^(?:fmt\.Errorf|errors\.(?:New|Errorf|Wrap|Wrapf|WithMessage|WithMessagef|WithStack|Join)|xerrors\.(?:New|Errorf))$/;
const PANIC_CALL = /^(?:panic|(?:[\p{L}_][\p{L}\p{N}_]*\.)*(?:Fatal|Fatalf|Fatalln|Panic|Panicf|Panicln))$/u;
const TEST_CALL = /^(?:t|b|tb|tt|f|c)\.(?:Error|Errorf|Fatal|Fatalf|Log|Logf|Skip|Skipf)$/;

export function classifyFinding(f: Finding, lines: SourceLines): Signal {
  const allocates = isAllocation(f);
  if (!allocates || !f.line) return { allocates };
  const calls = enclosingCalls(lines, f.path, f.line, f.column);
  for (const c of calls) {
    if (TEST_CALL.test(c)) return { allocates, cold: 'test-failure' };
    if (c === 'panic' || PANIC_CALL.test(c)) return { allocates, cold: 'panic' };
    if (ERROR_CALL.test(c)) return { allocates, cold: 'error' };
  }
  // In test files only what a benchmark's timed loop allocates is hot; setup and tests are not.
  if (f.path.endsWith('_test.go') && !inBenchmarkLoop(lines, f.path, f.line)) return { allocates, cold: 'test' };
  return { allocates };
}

const BENCH_LOOP = /\bfor\b.*(?:\bb\.N\b|\bb\.Loop\(\)|\.Next\(\))/;

/**
 * Whether a line of a test file is inside the timed loop of a benchmark
 * (`for b.Loop()`, `for i := 0; i < b.N; i++`, `for pb.Next()`): the braces
 * enclosing it are walked outwards up to the top-level function.
 */
export function inBenchmarkLoop(lines: SourceLines, file: string, line1: number): boolean {
  let depth = 0;
  for (let l = line1; l >= 1; l--) {
    const raw = lines(file, l);
    if (raw === undefined) return false;
    if (/^func\s/.test(raw)) return false;
    const text = maskLine(raw);
    // The finding's own line counts as inside a loop it opens (`for b.Loop() { f(x) }`).
    if (l === line1 && BENCH_LOOP.test(text) && text.includes('{')) return true;
    for (let i = text.length - 1; i >= 0; i--) {
      if (l === line1) break;
      if (text[i] === '}') depth++;
      else if (text[i] === '{') {
        if (depth > 0) { depth--; continue; }
        if (BENCH_LOOP.test(text.slice(0, i))) return true;
      }
    }
  }
  return false;
}

/**
 * Source text with string, rune and comment contents blanked (same length), so brackets
 * inside them do not count. Raw strings are blanked to the end of the line.
 */
export function maskLine(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') return out + ' '.repeat(text.length - i);
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? text.length : end + 2;
      out += ' '.repeat(stop - i);
      i = stop - 1;
      continue;
    }
    if (c === '"' || c === '\'' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += c !== '`' && text[j] === '\\' ? 2 : 1;
      const stop = Math.min(j + 1, text.length);
      out += c + '_'.repeat(Math.max(0, stop - i - 2)) + (j < text.length ? c : '');
      i = stop - 1;
      continue;
    }
    out += c;
  }
  return out;
}

const IDENT = /[\p{L}\p{N}_]/u;

/**
 * The callees of the calls whose parentheses enclose a position, innermost first
 * (`fmt.Errorf`, `panic`, `t.Fatalf`). Walks back over the statement, at most 30 lines,
 * and stops at an enclosing brace (a block or a composite literal).
 */
export function enclosingCalls(lines: SourceLines, file: string, line1: number, byteCol: number | null): string[] {
  const out: string[] = [];
  let depth = 0;
  for (let l = line1, n = 0; l >= 1 && n < 30; l--, n++) {
    const raw = lines(file, l);
    if (raw === undefined) break;
    const text = maskLine(raw);
    let i = text.length - 1;
    if (l === line1) {
      // A call reported at its own parenthesis (an inlined errors.New) is inside that call.
      const at = Math.min(utf16Col(raw, byteCol), text.length);
      i = text[at] === '(' ? at : at - 1;
    }
    for (; i >= 0; i--) {
      const c = text[i];
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') {
        if (depth > 0) { depth--; continue; }
        if (c === '{') return out;
        if (c === '(') {
          const name = calleeBefore(text, i);
          if (name) out.push(name);
        }
      }
    }
  }
  return out;
}

/** `fmt.Errorf` in `... fmt.Errorf(` where `open` is the parenthesis. */
function calleeBefore(text: string, open: number): string | undefined {
  let j = open;
  while (j > 0 && (IDENT.test(text[j - 1]) || text[j - 1] === '.')) j--;
  const name = text.slice(j, open);
  return name && !/^\d/.test(name) ? name : undefined;
}

/** The name of the top-level function (or method) a line is in. */
export function enclosingFunc(lines: SourceLines, file: string, line1: number): string | undefined {
  for (let l = line1; l >= 1; l--) {
    const t = lines(file, l);
    if (t === undefined) return undefined;
    const m = /^func\s+(?:\([^)]*\)\s*)?([\p{L}_][\p{L}\p{N}_]*)/u.exec(t);
    if (m) return m[1];
    if (l < line1 && /^(?:\}|var |const |type |import )/.test(t)) return undefined;
  }
  return undefined;
}

/** 0-based UTF-16 index of a 1-based byte column (the end of the line when null). */
function utf16Col(text: string, byteCol: number | null): number {
  if (byteCol === null) return text.length;
  let bytes = 0;
  let i = 0;
  while (i < text.length && bytes < byteCol - 1) {
    const c = text.charCodeAt(i);
    bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : 3;
    i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
  }
  return i;
}
