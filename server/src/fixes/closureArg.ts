// Fix 5: a goroutine or deferred closure that captures a variable by reference
// moves it to the heap (and, for a loop variable before Go 1.22, shares one
// variable between all iterations). Passing it as an argument copies it instead:
//   go func() { use(p) }()  ->  go func(p Product) { use(p) }(p)
// Not offered when the closure changes the variable (the change would no longer be seen).
// For a loop variable before Go 1.22, see also loopVarCopy.ts (preferred: cheaper).
import { fixContext, type FixContext } from './context';
import { edit, elemType, escapeRe, firstBraceAtDepth0, goAtLeast, identUses, loopShape, matchClose, typeOf } from './goSyntax';
import type { FixInput, FixResult, Refusal, TextEditPlain } from './types';

export interface Capture {
  c: FixContext;
  name: string;
  type: string;
  /** The loop whose header declares the variable (pre-1.22 shared loop variable), if any. */
  loop?: { start: number; bodyOpen: number; bodyEnd: number; threeClause: boolean };
  closures: { paramsOpen: number; paramsClose: number; bodyEnd: number; argsOpen: number; argsClose: number }[];
}

export function closureArg(input: FixInput): FixResult {
  const cap = analyseCapture(input);
  if (!cap || 'refused' in cap) return cap;
  const { c: { src }, name, type, closures } = cap;
  const edits: TextEditPlain[] = [];
  for (const cl of closures) {
    const params = src.masked.slice(cl.paramsOpen + 1, cl.paramsClose - 1).trim();
    const args = src.masked.slice(cl.argsOpen + 1, cl.argsClose - 1).trim();
    edits.push(edit(src, cl.paramsClose - 1, cl.paramsClose - 1, `${params ? ', ' : ''}${name} ${type}`));
    edits.push(edit(src, cl.argsClose - 1, cl.argsClose - 1, `${args ? ', ' : ''}${name}`));
  }
  // Never preferred: `go f(x)` wraps the call in one more closure that holds the copy, so
  // passing an argument costs an allocation per goroutine (measured in bench/quickfixes);
  // for pre-1.22 loop variables the per-iteration copy (loopVarCopy) is the cheaper fix.
  return { title: `Pass ${name} to the ${closures.length > 1 ? 'closures' : 'closure'} as an argument`, edits, isPreferred: false };
}

export function analyseCapture(input: FixInput): Capture | Refusal | null {
  const { finding } = input;
  let name: string | undefined;
  if (finding.kind === 'moved-to-heap') name = finding.subject;
  else if (finding.kind === 'closure-capture') name = /capturing by ref: ([\p{L}_][\p{L}\p{N}_]*)/u.exec(finding.message)?.[1];
  if (!name || !/^[\p{L}_][\p{L}\p{N}_]*$/u.test(name)) return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  if (!src.masked.startsWith(name, at)) return null;
  const n = escapeRe(name);

  // Which closures use it: each must be `go func(...) {...}(...)` or `defer func...`.
  const closures: Capture['closures'] = [];
  let methodCall = false;
  const lit = /\bfunc\s*\(/g;
  lit.lastIndex = at;
  for (let m = lit.exec(src.masked); m && m.index < fn.bodyEnd; m = lit.exec(src.masked)) {
    const paramsOpen = m.index + m[0].length - 1;
    const paramsClose = matchClose(src.masked, paramsOpen);
    const bodyOpen = firstBraceAtDepth0(src.masked, paramsClose, fn.bodyEnd);
    if (paramsClose < 0 || bodyOpen < 0) return null;
    const bodyEnd = matchClose(src.masked, bodyOpen);
    if (bodyEnd < 0) return null;
    lit.lastIndex = bodyEnd;
    const uses = identUses(src, name, bodyOpen, bodyEnd);
    if (!uses.length) continue;
    const before = src.masked.slice(0, m.index);
    const argsOpen = bodyEnd;
    if (!/\b(?:go|defer)\s*$/.test(before) || src.masked[argsOpen] !== '(') {
      return { refused: `a closure that is not started with go or defer also uses ${name}` };
    }
    const argsClose = matchClose(src.masked, argsOpen);
    if (argsClose < 0) return null;
    const bodyMasked = src.masked.slice(bodyOpen, bodyEnd);
    if (assigns(bodyMasked, n)) return { refused: `the closure changes ${name} (or takes its address), and a copy would hide that change` };
    if (new RegExp(`(?<![\\w.])${n}\\s*\\.\\s*[\\p{L}_][\\p{L}\\p{N}_]*\\s*\\(`, 'u').test(bodyMasked)) methodCall = true;
    if (/\.\.\./.test(src.masked.slice(paramsOpen, paramsClose))) return null;
    closures.push({ paramsOpen, paramsClose, bodyEnd, argsOpen, argsClose });
  }
  if (!closures.length) return null;

  const type = varType(c, name);
  if (!type.type) return type.why ? { refused: type.why } : null;
  // A method with a pointer receiver called on a value changes the variable itself; on a
  // pointer, map, channel, func or slice it can only change what the variable refers to.
  if (methodCall && !/^(?:\*|map\[|chan\b|<-chan\b|func\b|\[\])/.test(type.type)) {
    return { refused: `the closure calls a method on ${name}, which may change it through a pointer receiver` };
  }
  if (!type.loopVar || goAtLeast(input.goVersion, 22)) {
    // Not a pre-1.22 loop variable: the copy is only the same value if nothing changes it later.
    const after = src.masked.slice(at + name.length, fn.bodyEnd);
    if (assigns(after, n)) return { refused: `${name} is changed after the closure is made, which a copy would not see` };
  }
  if (type.loop?.threeClause && assigns(src.masked.slice(type.loop.bodyOpen, type.loop.bodyEnd), n)) {
    return { refused: `the loop body changes ${name}, which also drives the loop` };
  }
  return { c, name, type: type.type, loop: type.loopVar && !goAtLeast(input.goVersion, 22) ? type.loop : undefined, closures };
}

/** Assigns to, increments, or takes the address of the variable (or a part of it). */
function assigns(masked: string, n: string): boolean {
  const target = `(?<![\\w.])${n}(?:\\s*(?:\\.\\s*[\\p{L}_][\\p{L}\\p{N}_]*|\\[[^\\]\\n]*\\]))*`;
  return new RegExp(`${target}\\s*(?:[-+*/%&|^]|<<|>>|&\\^)?=(?!=)|${target}\\s*(?:\\+\\+|--)|&\\s*${n}\\b|(?<![\\w.])${n}\\s*(?:,\\s*[\\w.]+\\s*)*:?=(?!=)`, 'u').test(masked);
}

function varType(c: FixContext, name: string): { type?: string; loopVar: boolean; why?: string; loop?: Capture['loop'] } {
  const { src, at, fn } = c;
  // A range variable declared in the header of a loop.
  const re = /\bfor\b/g;
  re.lastIndex = fn.bodyOpen;
  for (let m = re.exec(src.masked); m && m.index < at; m = re.exec(src.masked)) {
    const open = firstBraceAtDepth0(src.masked, m.index + 3, fn.bodyEnd);
    if (open > at) {
      const header = src.text.slice(m.index + 3, open).trim();
      const end = matchClose(src.masked, open);
      const loop = { start: m.index, bodyOpen: open, bodyEnd: end, threeClause: !/\brange\b/.test(header) };
      const counter = /^([\p{L}_][\p{L}\p{N}_]*)\s*:=\s*\d+\s*;/u.exec(header);
      if (counter) return counter[1] === name ? { type: 'int', loopVar: true, loop } : { loopVar: true };
      const shape = loopShape(header);
      if (!shape) return { loopVar: true, why: `the type of loop variable ${name} is not known from the source` };
      const over = typeOf(shape.over, fn, src, c.pkgTexts);
      const el = over ? elemType(over) : undefined;
      if (!el) return { loopVar: true, why: `the type of ${shape.over} is not known from the source` };
      if (shape.key === name) return { type: el.key, loopVar: true, loop };
      if (shape.value === name) return { type: el.value, loopVar: true, loop };
      return { loopVar: true };
    }
  }
  const t = typeOf(name, fn, src, c.pkgTexts);
  return t ? { type: t, loopVar: false } : { loopVar: false, why: `the type of ${name} is not known from the source` };
}
