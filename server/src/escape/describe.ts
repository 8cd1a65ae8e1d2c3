// Turns the compiler's terse verdicts into sentences a person understands.
// Pure; used by diagnostics, hovers and the CLI report alike.
import { parseStep } from './parse';
import type { Finding, FindingKind } from './types';

export interface FindingDescription {
  /** "buf is moved to the heap" */
  title: string;
  /** Why, in plain words ("its address is returned"). Empty when the compiler gave no reason. */
  reason: string;
  /** The compiler's flow, one step per `from` line, with where it happens. */
  steps: { text: string; path: string; line: number; column: number | null }[];
}

/** Compiler-internal names, as a person would say them. */
export function humanName(name: string): string {
  return name
    .replace(/~[rR](\d+)/g, (_, n: string) => `result ${+n + 1}`)
    .replace(/\{heap\}/g, 'the heap')
    .replace(/\.autotmp_\d+/g, 'a temporary')
    .replace(/\{storage for func literal\}/g, 'a closure')
    .replace(/\{storage for (.+)\}/g, 'the storage for $1')
    .replace(/go\.shape\.([\w.*[\]]+)/g, '$1')
    .replace(/&?\.dict\.[^\s,)]*/g, 'the generic dictionary');
}

// What the `(reason)` of a `from … (reason) at …` step means.
const REASONS: Record<string, string> = {
  'address-of': 'its address is taken',
  'return': 'it is returned',
  'assign': 'it is assigned',
  'assign-pair': 'it is assigned',
  'call parameter': 'it is passed to a function that keeps it',
  'spill': 'its value is stored in a new allocation',
  'captured by a closure': 'a closure captures it',
  'interface-converted': 'it is converted to an interface',
  'too large for stack': 'it is too large for the stack',
  'non-constant size': 'its size is not known at compile time',
  'slice-literal-element': 'it is stored in a slice literal',
  'map literal': 'it is stored in a map literal',
  'struct literal element': 'it is stored in a struct literal',
  'dot-equals': 'it is stored through a pointer',
  'star-dot-equals': 'it is stored through a pointer',
  'star-equals': 'it is stored through a pointer',
  'defer func': 'a deferred function uses it',
  'go func': 'a goroutine uses it',
  'call to method': 'it is the receiver of a method that keeps it',
  'dereference': 'it is read through a pointer',
  'dot of pointer': 'a field is reached through a pointer',
  'reference': 'it is used by reference',
  'slice': 'it is sliced',
  'dot': 'a field of it is used',
  'key of map put': 'it is stored as a map key',
  'value of map put': 'it is stored as a map value',
  'arg to recover': 'it is passed to recover',
  'fixed-size-array': 'it is stored in an array',
  'range': 'it is ranged over',
  'range-deref': 'it is ranged over',
  'appended to slice': 'it is appended to a slice',
  'appendee slice': 'it is appended to',
};

const SHOWN_BY_DEFAULT: FindingKind[] = ['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-content', 'leaking-param-to-result'];

/** Kinds that put memory on the heap (or may), as opposed to informational ones. */
export function isHeapKind(kind: FindingKind): boolean {
  return SHOWN_BY_DEFAULT.includes(kind);
}

export function describeFinding(f: Finding): FindingDescription {
  const subject = f.subject !== undefined ? humanName(f.subject) : '';
  const steps: FindingDescription['steps'] = [];
  const reasons: string[] = [];
  let sink: string | undefined;
  for (const s of f.explanation) {
    const p = parseStep(s.message);
    if (p.flow) {
      sink = p.flow.to;
    } else if (p.from) {
      const why = REASONS[p.from.reason] ?? p.from.reason;
      if (!reasons.includes(why)) reasons.push(why);
      steps.push({
        text: `${p.from.expr} — ${why}`,
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
  return { title: title(f, subject), reason, steps };
}

function title(f: Finding, subject: string): string {
  switch (f.kind) {
    case 'moved-to-heap': return `${subject} is moved to the heap`;
    case 'escapes-to-heap': return `${subject} escapes to the heap (allocates)`;
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
    case 'error': return f.message;
    case 'unknown': return f.message;
  }
}

function leakTarget(f: Finding): string {
  // `leaking param: p` says nothing of where; its -m=2 header does.
  let to = f.detail;
  for (const s of f.explanation) {
    const m = s.role === 'header' ? /^parameter \S+ leaks to (\{[^}]*\}|\S+)(?: for .+)? with derefs=-?\d+:$/.exec(s.message) : null;
    if (m && (to === undefined || m[1] === '{heap}')) to = m[1];
  }
  if (!to || to === '{heap}') return 'it may be stored in the heap (a global, a channel, or memory that outlives the call)';
  if (/^~[rR]\d+$/.test(to)) return `it is returned as ${humanName(to)}`;
  return `it flows to ${humanName(to)}`;
}
