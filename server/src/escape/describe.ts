// Turns the compiler's terse verdicts into sentences a person understands.
// Pure; used by diagnostics, hovers and the CLI report alike.
import { PARAM_HEADER, parseStep } from './parse';
import type { Finding, FindingKind } from './types';

export interface FindingDescription {
  /** "buf is moved to the heap" */
  title: string;
  /** Why, in plain words ("its address is returned"). Empty when the compiler gave no reason. */
  reason: string;
  /** The compiler's flow, one step per `from` line, with where it happens. */
  steps: { text: string; path: string; line: number; column: number | null }[];
}

/**
 * Compiler-internal names, as the developer wrote or would say them: `~r0` is `result 0`,
 * `~p1` (an unnamed parameter) `parameter 1`, static copies of literals (`.stmp_3`) are
 * the literal, temporaries a temporary, generic shapes their type argument.
 */
export function humanName(name: string): string {
  return name
    .replace(/(?:go\.shape\.)?~[rR](\d+)/g, (_, n: string) => `result ${n}`)
    .replace(/(?:go\.shape\.)?~p(\d+)/g, (_, n: string) => `parameter ${n}`)
    .replace(/\{heap\}/g, 'the heap')
    .replace(/\{temp\}/g, 'a temporary')
    .replace(/\.autotmp_\d+/g, 'a temporary')
    .replace(/\.{1,2}stmp_\d+(?:@\d+)?/g, 'the literal')
    .replace(/\{storage for func literal\}/g, 'a closure')
    .replace(/^\{storage for (.+)\}$/g, 'the storage for $1')
    .replace(/go\.shape\.([\w.*[\]]+)/g, '$1')
    .replace(/&?\.dict\.[^\s,)]*/g, 'the generic dictionary');
}

/** An allocating subject the compiler names by its operator, as a person says it. */
function subjectName(subject: string): string {
  if (subject === 'func literal') return 'the closure';
  if (subject === '... argument') return 'the slice for the ... arguments';
  if (subject === 'append') return "append's new array";
  return humanName(subject);
}

/**
 * What the `(reason)` of a `from … (reason) at …` step means: every note the compiler's
 * escape analysis attaches (cmd/compile/internal/escape, Go 1.21–1.26), plus the
 * heap-allocation reasons of utils.go and the older spellings Go 1.19/1.20 printed.
 */
export const REASONS: Record<string, string> = {
  // expr.go
  'address-of': 'its address is taken',
  'indirection': 'it is read through a pointer',
  'dot': 'a field of it is used',
  'dot of pointer': 'a field is reached through a pointer',
  'fixed-array-index-of': 'an element of the array is used',
  'slice': 'it is sliced',
  'conversion to unsafe.Pointer': 'it is converted to unsafe.Pointer',
  'interface-converted': 'it is converted to an interface',
  'slice-to-array': 'the slice is converted to an array',
  'array literal element': 'it is stored in an array literal',
  'slice-literal-element': 'it is stored in a slice literal',
  'struct literal element': 'it is stored in a struct literal',
  'map literal key': 'it is a key of a map literal',
  'map literal value': 'it is a value of a map literal',
  'reflect.Header.Data': 'it is the Data pointer of a reflect header',
  'spill': 'it needs memory of its own',
  // stmt.go, assign.go
  'range': 'it is ranged over',
  'range-deref': 'it is ranged over through a pointer',
  'switch case': 'it is bound by a type switch case',
  'send': 'it is sent on a channel',
  'assign': 'it is assigned',
  'assign-pair': 'it is assigned',
  'assign-pair-dot-type': 'it is assigned from a type assertion',
  'assign-pair-mapr': 'it is assigned from a map read',
  'assign-pair-receive': 'it is assigned from a channel receive',
  'return': 'it is returned',
  'key of map put': 'it is stored as a map key',
  // call.go
  'call parameter': 'it is passed to a function that keeps it',
  'callee operand': 'it is the function being called',
  'appendee slice': 'it is appended to',
  'appended slice...': 'its elements are appended to a slice',
  'copied slice': 'it is copied by copy',
  '//go:uintptrescapes': 'the callee is marked //go:uintptrescapes',
  // escape.go (closures)
  'reference': 'a closure uses it by reference',
  'captured by a closure': 'a closure captures it',
  // utils.go HeapAllocReason
  'too large for stack': 'it is too large for the stack',
  'too aligned for stack': 'it needs more alignment than the stack gives',
  'zero-sized element': 'it is a slice of zero-size elements (always heap-allocated)',
  'non-constant size': 'its size is not known at compile time',
  // Go 1.19/1.20 spellings
  'defer func': 'a deferred function uses it',
  'defer func arg': 'a deferred call keeps it',
  'go func': 'a goroutine uses it',
  'go func arg': 'a goroutine keeps it',
  'call to method': 'it is the receiver of a method that keeps it',
  'dereference': 'it is read through a pointer',
  'value of map put': 'it is stored as a map value',
  'arg to recover': 'it is passed to recover',
  'fixed-size-array': 'it is stored in an array',
  'appended to slice': 'it is appended to a slice',
};

/** A reason in plain words; one the table does not know is said as what it is. */
export function reasonText(why: string): string {
  return REASONS[why] ?? `the compiler notes "${why}"`;
}

/** Why an `escapes to heap` value is boxed without allocating, from the compiler's convert line. */
export function noAllocText(detail: string): string {
  if (detail.includes('zero-sized')) return 'it has size zero, so the interface points at a shared zero-size object';
  if (detail.includes('single-byte')) return 'it is one byte or a bool, so the interface points into a static table';
  if (detail.includes('zero value')) return 'it is a zero value, so the interface points at shared zero memory';
  return 'it is a constant, so the interface points at read-only static data';
}

const SHOWN_BY_DEFAULT: FindingKind[] = ['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result'];

/** Kinds that put memory on the heap (or may), as opposed to informational ones. */
export function isHeapKind(kind: FindingKind): boolean {
  return SHOWN_BY_DEFAULT.includes(kind);
}

/**
 * `source` is the expression the finding underlines, as written in the file, when known:
 * it names what the compiler calls by an internal name (`"Basic realm=" + ~r0`), and an
 * allocation reported at a call whose text does not contain the compiler's subject is
 * inside that inlined call (`v is moved to the heap` at `r.allocateContext(n)`).
 */
export function describeFinding(f: Finding, source?: string): FindingDescription {
  let subject = f.subject !== undefined ? subjectName(f.subject) : '';
  let inlined = '';
  if (source && !source.includes('\n') && f.subject !== undefined && (f.kind === 'escapes-to-heap' || f.kind === 'moved-to-heap')) {
    // Internal names, and generic instantiations spelled out in full, read better as written.
    if (/~[rRp]\d|\.autotmp_|stmp_|\{temp\}|go\.shape\./.test(f.subject) || (f.subject.length > 80 && source.length < f.subject.length)) subject = source;
    else {
      const call = /^([\p{L}_][\p{L}\p{N}_.]*)\(/u.exec(source);
      const head = f.subject.replace(/^&/, '').split(/[({[\s]/)[0];
      if (call && head && !source.includes(head) && f.subject !== '... argument' && f.subject !== 'append') inlined = ` (inside the inlined call to ${call[1]})`;
    }
  }
  const steps: FindingDescription['steps'] = [];
  const reasons: string[] = [];
  let sink: string | undefined;
  for (const s of f.explanation) {
    const p = parseStep(s.message);
    if (p.flow) {
      sink = p.flow.to;
    } else if (p.from) {
      const why = reasonText(p.from.reason);
      if (!reasons.includes(why)) reasons.push(why);
      steps.push({
        text: `${humanName(p.from.expr)} — ${why}`,
        path: s.at?.path ?? s.path,
        line: s.at?.line ?? s.line,
        column: s.at?.column ?? s.column,
      });
    }
  }
  let reason = reasons.join('; ');
  if (sink !== undefined) {
    const where = /^~[rR]\d+$/.test(sink) ? `it flows to ${humanName(sink)} of the function` : sink === '{heap}' ? 'it flows to the heap' : `it flows to ${humanName(sink)}`;
    reason = reason ? `${reason}; ${where}` : where;
  }
  if (f.kind === 'escapes-to-heap' && f.noAlloc) reason = noAllocText(f.noAlloc);
  return { title: title(f, subject) + inlined, reason, steps };
}

function title(f: Finding, subject: string): string {
  switch (f.kind) {
    case 'moved-to-heap': return `${subject} is moved to the heap (allocates)`;
    case 'escapes-to-heap': return f.noAlloc ? `${subject} escapes to the heap without allocating` : `${subject} escapes to the heap (allocates)`;
    case 'does-not-escape': return `${subject} does not escape: it stays on the stack`;
    case 'leaking-param': return `parameter ${subject} leaks: ${leakTarget(f)}`;
    case 'leaking-param-content': return `what parameter ${subject} points to leaks to the heap`;
    case 'leaking-param-to-result': return `parameter ${subject} leaks to ${humanName(f.detail ?? 'a result')}`;
    case 'can-inline': return `${subject} can be inlined${f.detail ? ` (cost ${f.detail})` : ''}`;
    case 'cannot-inline': return `${subject} cannot be inlined: ${f.detail ?? ''}`;
    case 'inlining-call': return `call to ${subject} is inlined`;
    case 'devirtualized': return `call to ${subject} is devirtualized to ${f.detail ?? ''}`;
    case 'closure-capture': return `closure captures ${subject} by ${f.detail ?? 'reference'}`;
    case 'bounds-check-elided': return 'bounds check removed';
    case 'zero-copy-conversion': return 'string to []byte conversion without a copy';
    case 'loop-var': return `loop variable ${subject} is per-iteration and ${f.detail ?? ''}-allocated`;
    case 'self-assignment': return `self-assignment ignored by escape analysis`;
    case 'unsafe-uintptr': return `${subject} is treated as an unsafe uintptr`;
    case 'inline-budget': return `${subject} is big: the inlining budget for its callees is reduced`;
    case 'no-alloc-conversion': return `${subject} is converted to an interface without allocating (${f.detail ?? ''})`;
    case 'kept-alive': return f.subject !== undefined
      ? `b.Loop keeps ${keptName(f.subject)} alive, so the compiler cannot optimise the benchmarked work away`
      : `b.Loop: ${f.detail ?? f.message}`;
    case 'imprecise-call': return 'interface method call through a type parameter: the compiler cannot resolve it statically';
    case 'error': return f.message;
    case 'unknown': return f.message;
  }
}

/** `github.com/go-chi/chi/v5.mx` → `mx`; `function results` stays. */
function keptName(subject: string): string {
  const m = /^(?:[\w.-]+\/)*[\w.-]+?\.([\p{L}_][\p{L}\p{N}_]*)$/u.exec(subject);
  return m && subject.includes('/') ? m[1] : subject === 'function results' || subject === 'function result' ? 'the call\'s results' : subject === 'function arg' ? 'the call\'s argument' : humanName(subject);
}

function leakTarget(f: Finding): string {
  // `leaking param: p` says nothing of where; its -m=2 header does.
  let to = f.detail;
  for (const s of f.explanation) {
    const m = s.role === 'header' ? PARAM_HEADER.exec(s.message) : null;
    if (m && (to === undefined || m[2] === '{heap}')) to = m[2];
  }
  if (!to || to === '{heap}') return 'it may be stored in the heap (a global, a channel, or memory that outlives the call)';
  if (/^~[rR]\d+$/.test(to)) return `it is returned as ${humanName(to)}`;
  return `it flows to ${humanName(to)}`;
}
