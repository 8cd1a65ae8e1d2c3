// Fix 8: a small sub-slice of a large buffer that is kept (in a global, a field,
// a long-lived slice) keeps the WHOLE buffer alive. Copying the kept part lets
// the buffer be freed:
//   h := body[:16]  ->  h := bytes.Clone(body[:16])      (go >= 1.20, []byte)
//                       h := append([]T(nil), body[:16]...)  (otherwise)
// Not offered when the function writes through the sub-slice or to the buffer
// after slicing it (the copy would no longer share those writes).
import { fixContext } from './context';
import { addImport, edit, elemType, escapeRe, goAtLeast, lineBounds, offsetOfFinding, typeOf } from './goSyntax';
import type { FixInput, FixResult } from './types';

export function cloneSubslice(input: FixInput): FixResult {
  const { finding } = input;
  if (!finding.kind.startsWith('leaking-param') && finding.kind !== 'escapes-to-heap' && finding.kind !== 'moved-to-heap') return null;
  // The compiler's flow: `from body[:16] (slice) at L:C`, then on to the heap.
  const sliceStep = finding.explanation.find((s) => s.role === 'from' && /^from .+\[[^\]]*:[^\]]*\] \(slice\) at /.test(s.message.trim()));
  if (!sliceStep?.at) return null;
  if (!finding.explanation.some((s) => s.role === 'flow' && /^flow: \{heap\} ← /.test(s.message.trim()))) return null;
  if (sliceStep.at.path !== input.path) return null;
  const expr = /^from (.+) \(slice\) at /.exec(sliceStep.message.trim())![1];
  const c = fixContext({ ...input, finding: { ...finding, line: sliceStep.at.line, column: sliceStep.at.column } });
  if (!c) return null;
  const { src, fn } = c;
  const at = offsetOfFinding(src, sliceStep.at.line, sliceStep.at.column);
  // The compiler points at the `[`; the expression starts at the sliced operand.
  const [ls, le] = lineBounds(src, at);
  const line = src.text.slice(ls, le);
  const start = line.indexOf(expr);
  if (start < 0) return null;
  const exprStart = ls + start;
  const exprEnd = exprStart + expr.length;
  const base = /^([\p{L}_][\p{L}\p{N}_.]*)\[/u.exec(expr)?.[1];
  if (!base) return null;
  const baseType = typeOf(base, fn, src, c.pkgTexts);
  const el = baseType?.startsWith('[]') ? elemType(baseType) : undefined;
  if (!el) return null;

  // Writes through the kept part, or to the buffer after slicing, would stop being shared.
  const assigned = /^[\t ]*([\p{L}_][\p{L}\p{N}_]*)\s*:?=\s*$/u.exec(src.masked.slice(ls, exprStart))?.[1];
  const rest = src.masked.slice(exprEnd, fn.bodyEnd);
  for (const v of [base, assigned].filter((x): x is string => !!x)) {
    const n = escapeRe(v);
    if (new RegExp(`(?<![\\w.])${n}\\s*\\[[^\\]\\n]*\\]\\s*(?:[-+*/%&|^]|<<|>>)?=(?!=)|\\bcopy\\(\\s*${n}\\b|(?<![\\w.])${n}\\s*\\[[^\\]\\n]*\\]\\s*(?:\\+\\+|--)`).test(rest)) {
      return { refused: `${v} is written after ${expr} is taken, and a copy would no longer see those writes` };
    }
  }
  const text = src.text.slice(exprStart, exprEnd);
  const useClone = el.value === 'byte' && goAtLeast(input.goVersion, 20);
  const small = /\[\s*\d*\s*:\s*\d+\s*\]$/.test(expr);
  const edits = [edit(src, exprStart, exprEnd, useClone ? `bytes.Clone(${text})` : `append([]${el.value}(nil), ${text}...)`)];
  if (useClone) edits.push(...addImport(src, 'bytes'));
  return {
    title: `Copy ${text} so the rest of ${base} can be freed${input.measured ? ` (${input.measured} on this line)` : ''}`,
    edits,
    isPreferred: small,
  };
}
