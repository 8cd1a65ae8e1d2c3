// Checks the assertions in a file against what the compiler said about it. Pure.
// Inlined callees are covered without extra work: the compiler prints an allocation
// made inside an inlined call at the call's position in the function being compiled
// (its outermost inlining position), next to `inlining call to <callee>`.
import { describeFinding } from '../escape/describe';
import type { Finding } from '../escape/types';
import type { Directive } from './directives';
import { functionAt, type FuncInfo } from './functions';
import { allocates, type Flow, type Problem } from './model';

const NOESCAPE_KINDS: ReadonlySet<Finding['kind']> = new Set(['moved-to-heap', 'escapes-to-heap', 'leaking-param', 'leaking-param-to-result']);
const BOUNDS_CHECK = /^Found Is(?:Slice)?InBounds$/;

export interface FileFacts {
  /** Path relative to the module root, `/`-separated. */
  rel: string;
  funcs: readonly FuncInfo[];
  /** Every finding of the file (all kinds, test-variant repeats removed). */
  findings: readonly Finding[];
  /** Whether the build ran with -d=ssa/check_bce/debug=1 (needed for `bce`). */
  bceChecked: boolean;
  /** Module-relative path of an absolute one (for flow steps in other files). */
  relOf(abs: string): string;
  /** Where an allocation inside an inlined callee is in the callee's body (see inlined.ts). */
  inlinedFrom?(callee: string, f: Finding): Flow | undefined;
}

export interface AssertionResult {
  directive: Directive;
  /** `unchecked`: the compiler said nothing about this code (excluded by build tags, or not built). */
  state: 'ok' | 'violated' | 'unchecked';
  problems: Problem[];
  /** Why it is unchecked, or what was verified. */
  note?: string;
}

export function checkAssertions(directives: readonly Directive[], facts: FileFacts): AssertionResult[] {
  const byLine = new Map<number, Finding[]>();
  for (const f of facts.findings) {
    const list = byLine.get(f.line);
    if (list) list.push(f);
    else byLine.set(f.line, [f]);
  }
  const onLines = (from: number, to: number, accept: (f: Finding) => boolean): Finding[] => {
    const out: Finding[] = [];
    for (let l = from; l <= to; l++) for (const f of byLine.get(l) ?? []) if (accept(f)) out.push(f);
    return out;
  };
  const compiled = (from: number, to: number) => onLines(from, to, () => true).length > 0;
  return directives.map((d) => checkOne(d, facts, onLines, compiled));
}

function checkOne(
  d: Directive,
  facts: FileFacts,
  onLines: (from: number, to: number, accept: (f: Finding) => boolean) => Finding[],
  compiled: (from: number, to: number) => boolean,
): AssertionResult {
  const fn = d.func ?? functionAt(facts.funcs, d.target);
  const span: [number, number] = d.scope === 'func' && d.func ? [d.func.line, d.func.endLine] : [d.target, d.target];
  const evidence: [number, number] = fn ? [fn.line, fn.endLine] : span;
  if (!compiled(evidence[0], evidence[1])) {
    return { directive: d, state: 'unchecked', problems: [], note: 'the compiler did not build this code (build tags, or a test file without --tests)' };
  }
  const inlinedAt = (f: Finding) => onLines(f.line, f.line, (g) => g.kind === 'inlining-call' && g.column === f.column).map((g) => g.subject ?? '');
  const result = (problems: Problem[], note?: string): AssertionResult => ({ directive: d, state: problems.length ? 'violated' : 'ok', problems, note });

  switch (d.name) {
    case 'noalloc': {
      const found = onLines(span[0], span[1], allocates);
      return result(found.map((f) => findingProblem('noalloc', d, f, facts, fn?.name ?? '', inlinedAt(f))));
    }
    case 'noescape': {
      // gcassert reads the first line of what it annotates; for a function, its signature.
      const to = d.scope === 'func' && d.func ? d.func.bodyLine : d.target;
      const found = onLines(d.target, to, (f) => NOESCAPE_KINDS.has(f.kind));
      return result(found.map((f) => findingProblem('noescape', d, f, facts, fn?.name ?? '', inlinedAt(f))));
    }
    case 'bce': {
      if (!facts.bceChecked) return { directive: d, state: 'unchecked', problems: [], note: 'bounds checks are reported only by `heaplens check` (it adds -d=ssa/check_bce/debug=1)' };
      const found = onLines(d.target, d.target, (f) => BOUNDS_CHECK.test(f.message));
      return result(found.map((f) => ({
        ...position(d, facts, f), rule: 'bce' as const, message: `${d.text}: the compiler kept a bounds check here (${f.message})`,
        reason: '', flow: [], func: fn?.name ?? '', key: key('bce', facts.rel, fn?.name ?? '', f.message, d.target - (fn?.line ?? 0)),
      })));
    }
    case 'inline': {
      if (d.scope === 'func' && d.func) {
        const short = d.func.name.replace(/^.*\./, '');
        const verdicts = onLines(d.func.line, d.func.line, (f) => (f.kind === 'can-inline' || f.kind === 'cannot-inline') && (f.subject ?? '').replace(/^.*\./, '').replace(/\[.*$/, '') === short);
        const no = verdicts.find((f) => f.kind === 'cannot-inline');
        if (no) {
          return result([{
            ...position(d, facts, no), rule: 'inline', message: `${d.text}: ${d.func.name} cannot be inlined: ${no.detail ?? no.message}`,
            reason: no.detail ?? '', flow: [], func: d.func.name, key: key('inline', facts.rel, d.func.name, '', 0),
          }]);
        }
        if (!verdicts.length) return { directive: d, state: 'unchecked', problems: [], note: 'the compiler gave no inlining verdict for this function' };
        return result([], `cost ${verdicts[0].detail || '?'}`);
      }
      const calls = onLines(d.target, d.target, (f) => f.kind === 'inlining-call');
      if (calls.length) return result([], `inlined: ${calls.map((c) => c.subject).join(', ')}`);
      return result([{
        rel: facts.rel, line: d.target, column: null, rule: 'inline', message: `${d.text}: no call on this line was inlined`,
        reason: '', flow: [], func: fn?.name ?? '', key: key('inline', facts.rel, fn?.name ?? '', 'line', d.target - (fn?.line ?? 0)),
      }]);
    }
  }
}

function position(d: Directive, facts: FileFacts, f: Finding): Pick<Problem, 'rel' | 'line' | 'column'> {
  return { rel: facts.rel, line: f.line || d.target, column: f.column };
}

/** A Problem for a compiler finding that breaks a rule: its words, reason and flow. */
export function findingProblem(rule: Problem['rule'], d: Directive | undefined, f: Finding, facts: Pick<FileFacts, 'rel' | 'relOf' | 'inlinedFrom'>, func: string, inlined: string[]): Problem {
  const desc = describeFinding(f);
  const flow = flowOf(desc.steps, facts.relOf);
  // The innermost inlined callee that allocates it comes first in the flow.
  for (const callee of [...inlined].reverse()) {
    const at = facts.inlinedFrom?.(callee, f);
    if (at) { flow.unshift(at); break; }
  }
  const via = inlined.length ? ` (inside inlined ${inlined.join(' → ')})` : '';
  const where = func ? ` in ${func}` : '';
  const message = d ? `${d.text}: ${desc.title}${where}${via}` : `new heap allocation${where}: ${desc.title}${via}`;
  return {
    rule, rel: facts.rel, line: f.line, column: f.column, message, reason: desc.reason, flow, func,
    key: key(rule, facts.rel, func, `${f.kind}:${normalizeExpr(f.subject ?? f.message)}`, 0),
  };
}

export function flowOf(steps: ReturnType<typeof describeFinding>['steps'], relOf: (abs: string) => string): Flow[] {
  return steps.map((s) => ({ text: s.text, rel: relOf(s.path), line: s.line, column: s.column }));
}

/** Expression text without spaces, so reformatting does not make it new. */
export function normalizeExpr(s: string): string {
  return s.replace(/\s+/g, '');
}

/** Identity of a problem that survives moves: rule, package directory, function, what. */
export function key(rule: string, rel: string, func: string, what: string, offset: number): string {
  const dir = rel.includes('/') ? rel.slice(0, rel.lastIndexOf('/')) : '.';
  return [rule, dir, func, what, offset ? String(offset) : ''].join('|');
}
