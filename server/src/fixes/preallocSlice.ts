// Fix 1: a slice grown by append in a loop over something with a length gets
// its capacity up front, so append never reallocates:
//   var ids []int  ->  ids := make([]int, 0, len(products))
import { declaredAt, depthBetween, fixContext, leavesBlock } from './context';
import { edit, enclosingLoops, escapeRe, hasLength, identUses, lastDeclaration, lineBounds, loopShape, positionAt, typeOf } from './goSyntax';
import type { FixInput, FixResult } from './types';

export function preallocSlice(input: FixInput): FixResult {
  const { finding } = input;
  if (finding.kind !== 'escapes-to-heap' && finding.kind !== 'does-not-escape') return null;
  if (!/^append\b/.test(finding.subject ?? finding.message)) return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  if (!src.masked.startsWith('append(', at)) return null;
  const [lineStart] = lineBounds(src, at);
  const stmt = /([\p{L}_][\p{L}\p{N}_]*)\s*=\s*$/u.exec(src.masked.slice(lineStart, at));
  if (!stmt) return null;
  const name = stmt[1];
  if (!new RegExp(`^append\\(\\s*${escapeRe(name)}\\s*,`).test(src.masked.slice(at))) return null;
  const loop = enclosingLoops(src, fn, at)[0];
  const shape = loop && loopShape(loop.header);
  if (!loop || !shape) return null;
  if (!hasLength(typeOf(shape.over, fn, src, c.pkgTexts))) return null;
  if (depthBetween(c, loop.bodyOpen + 1, at) !== 0) return { refused: `the append to ${name} is conditional, so how many elements it gets is not known` };

  // The declaration: before the loop, in a block that is still open at the loop.
  const body = src.masked.slice(fn.bodyOpen, loop.start);
  const n = escapeRe(name);
  const decl = new RegExp(`^([\\t ]*)(?:var\\s+${n}\\s+(\\[\\][^=\\n]+?)|${n}\\s*:=\\s*(\\[\\][^{\\n]+)\\{\\s*\\}|${n}\\s*:=\\s*make\\((\\[\\][^,\\n]+),\\s*0\\s*\\))[\\t ]*$`, 'gm');
  const last = lastDeclaration(decl, body, fn.bodyOpen);
  if (!last) return null;
  const { match: found, start: declStart, end: declEnd } = last;
  if (leavesBlock(c, declEnd, loop.start)) return null;
  const elemType = (found[2] ?? found[3] ?? found[4]).trim();
  if (identUses(src, name, declEnd, loop.start).length) return { refused: `${name} is used between its declaration and the loop` };
  const fnBody = src.masked.slice(fn.bodyOpen, fn.bodyEnd);
  if (new RegExp(`\\b(?:len|cap)\\(\\s*${n}\\s*\\)|\\b${n}\\s*[!=]=\\s*nil\\b|\\bnil\\s*[!=]=\\s*${n}\\b`).test(fnBody)) {
    return { refused: `the length, capacity or nil-ness of ${name} is used, and preallocating changes what it is before and during the loop` };
  }
  // Another slice sharing the backing array would see (and be overwritten by) the spare capacity.
  for (const use of identUses(src, name, loop.bodyOpen, loop.bodyEnd)) {
    const after = src.masked.slice(use + name.length, use + name.length + 20);
    const before = src.masked.slice(Math.max(0, use - 20), use);
    if (/^\s*=\s*append\(/.test(after) || /append\(\s*$/.test(before) || /^\s*\[/.test(after)) continue;
    return { refused: `${name} is shared inside the loop (line ${positionAt(src, use).line + 1}); with spare capacity, later appends would write into memory the other slice can see` };
  }
  // The length must be computable where the declaration is.
  const overDecl = declaredAt(c, shape.over);
  if (overDecl === undefined || overDecl > declStart) return null;

  const newDecl = `${name} := make(${elemType}, 0, len(${shape.over}))`;
  return {
    title: `Preallocate ${name}: ${newDecl.replace(`${name} := `, '')}`,
    edits: [edit(src, declStart, declEnd, newDecl)],
    isPreferred: true,
  };
}
