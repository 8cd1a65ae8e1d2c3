// Fix 6: a small struct returned by pointer, when every caller copies it at once
// (`s := *summarize(xs)`), is allocated on the heap for nothing. Returning it by
// value keeps it on the stack. Only for unexported funcs (so every caller is in
// the package and visible here) whose every use is `*f(...)`.
import { fixContext } from './context';
import { edit, escapeRe, identUses, matchClose, source, structBody } from './goSyntax';
import type { FixInput, FixResult, TextEditPlain } from './types';

const MAX_FIELDS = 8;

export function returnByValue(input: FixInput): FixResult {
  const { finding } = input;
  if (finding.kind !== 'moved-to-heap' && finding.kind !== 'escapes-to-heap') return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, fn } = c;
  const result = /^\*([\p{L}_][\p{L}\p{N}_]*)$/u.exec(fn.results);
  if (!result) return null;
  const typeName = result[1];
  // The finding is the returned value: `moved to heap: s` or `&T{...} escapes to heap`.
  const subject = finding.subject ?? '';
  const isVar = finding.kind === 'moved-to-heap' && /^[\p{L}_][\p{L}\p{N}_]*$/u.test(subject);
  if (!isVar && !subject.startsWith(`&${typeName}{`)) return null;
  if (!finding.explanation.some((s) => /\(return\)/.test(s.message))) return null;
  if (fn.receiver || !/^[\p{Ll}_]/u.test(fn.name)) return { refused: `${fn.name} is exported or a method, so callers outside this package may rely on the pointer` };

  const fields = structFields(typeName, c.pkgTexts);
  if (fields === undefined) return null;
  if (fields > MAX_FIELDS) return { refused: `${typeName} has ${fields} fields; copying it may cost more than the allocation` };

  // Every return hands back the subject's address (or a literal's).
  const edits: TextEditPlain[] = [];
  const ret = /\breturn\b([^\n]*)/g;
  ret.lastIndex = fn.bodyOpen;
  for (let m = ret.exec(src.masked); m && m.index < fn.bodyEnd; m = ret.exec(src.masked)) {
    const expr = m[1].trim();
    const exprStart = m.index + m[0].indexOf(expr, 6);
    if (isVar && expr === `&${subject}`) edits.push(edit(src, exprStart, exprStart + 1, ''));
    else if (expr.startsWith(`&${typeName}{`) && matchClose(src.masked, exprStart + typeName.length + 1) === exprStart + expr.length) edits.push(edit(src, exprStart, exprStart + 1, ''));
    else return { refused: `${fn.name} also returns ${src.text.slice(exprStart, exprStart + expr.length) || 'nothing'}, which has no value form` };
  }
  if (isVar) {
    const addr = new RegExp(`&\\s*${escapeRe(subject)}(?![\\p{L}\\p{N}_])`, 'gu');
    const body = src.masked.slice(fn.bodyOpen, fn.bodyEnd);
    if ((body.match(addr) ?? []).length !== edits.length) return { refused: `the address of ${subject} is also taken for something other than the return` };
  }
  edits.push(edit(src, fn.resultsStart, fn.resultsStart + 1, ''));

  // Every use in the package is a call that is dereferenced at once.
  const pkgName = /^package\s+(\w+)/m.exec(src.masked)?.[1];
  const files: [string, string][] = [[input.path, input.text], ...[...input.packageFiles].filter(([p]) => p !== input.path)];
  let callers = 0;
  for (const [file, text] of files) {
    const other = file === input.path ? src : source(text);
    if (/^package\s+(\w+)/m.exec(other.masked)?.[1] !== pkgName) continue;
    for (const use of identUses(other, fn.name, 0, other.text.length)) {
      if (file === input.path && use === fn.nameStart) continue;
      const before = other.masked.slice(Math.max(0, use - 40), use);
      if (!isDeref(before) || other.masked[use + fn.name.length] !== '(') {
        return { refused: `${fn.name} is used without copying its result at once (${file === input.path ? '' : `${file.split(/[\\/]/).pop()}, `}line ${lineOf(other.text, use)})` };
      }
      const star = use - (before.length - before.lastIndexOf('*'));
      edits.push(edit(other, star, use, '', file === input.path ? undefined : file));
      callers++;
    }
  }
  return { title: `Return ${typeName} by value (updates ${callers} caller${callers === 1 ? '' : 's'})`, edits, isPreferred: true };
}

function structFields(typeName: string, texts: readonly string[]): number | undefined {
  return structBody(typeName, texts)?.masked.split(/[\n;]/).map((l) => l.trim()).filter(Boolean)
    .reduce((n, l) => {
      const names = /^([\p{L}_][\p{L}\p{N}_]*(?:\s*,\s*[\p{L}_][\p{L}\p{N}_]*)*)\s+\S/u.exec(l);
      return n + (names ? names[1].split(',').length : 1);
    }, 0);
}

/** Does the text before a use end in a unary `*` (not a multiplication)? */
function isDeref(before: string): boolean {
  const m = /(\S*?)\s*\*\s*$/u.exec(before);
  if (!m) return false;
  const prev = /([\p{L}\p{N}_]+|[^\s])?\s*\*\s*$/u.exec(before)?.[1] ?? '';
  if (!prev) return true;
  if (/^[\p{L}\p{N}_]+$/u.test(prev)) return ['return', 'case', 'go', 'defer', 'else'].includes(prev);
  return prev !== ')' && prev !== ']' && prev !== '}';
}

const lineOf = (text: string, offset: number) => text.slice(0, offset).split('\n').length;
