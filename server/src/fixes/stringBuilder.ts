// Fix 3: a string built by `+=` in a loop copies everything built so far on
// every iteration; a strings.Builder appends in place:
//   line := ""            var line strings.Builder
//   line += t + ","   ->  line.WriteString(t); line.WriteString(",")
//   return line           return line.String()
// with `line.Grow(n)` before the loop when the size can be summed up front.
import { fixContext, leavesBlock, type FixContext } from './context';
import { addImport, edit, enclosingLoops, escapeRe, identUses, indentAt, lastDeclaration, lineBounds, loopShape, splitTopLevel, typeOf, type ForLoop } from './goSyntax';
import type { FixInput, FixResult, TextEditPlain } from './types';

export function stringBuilder(input: FixInput): FixResult {
  const { finding } = input;
  if (finding.kind !== 'escapes-to-heap' && finding.kind !== 'does-not-escape') return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  const [lineStart, lineEnd] = lineBounds(src, at);
  const stmt = /^[\t ]*([\p{L}_][\p{L}\p{N}_]*)\s*\+=\s*(.+?)\s*$/u.exec(src.masked.slice(lineStart, lineEnd));
  if (!stmt) return null;
  const name = stmt[1];
  const loop = enclosingLoops(src, fn, at)[0];
  if (!loop) return null;
  const n = escapeRe(name);
  const body = src.masked.slice(fn.bodyOpen, loop.start);
  const decl = new RegExp(`^([\\t ]*)(?:${n}\\s*:=\\s*("[^"\\n]*")|var\\s+${n}\\s+string|var\\s+${n}\\s*=\\s*("[^"\\n]*"))[\\t ]*$`, 'gm');
  const last = lastDeclaration(decl, body, fn.bodyOpen);
  if (!last) return null;
  const { match: found, start: declStart, end: declEnd } = last;
  if (leavesBlock(c, declEnd, loop.start)) return null;
  const initLit = found[2] ?? found[3];
  const init = initLit !== undefined ? src.text.slice(declStart + found[0].slice(found[1].length).indexOf('"'), declEnd) : '""';

  const edits: TextEditPlain[] = [];
  const indent = indentAt(src, declStart);
  edits.push(edit(src, declStart, declEnd, `var ${name} strings.Builder${init !== '""' ? `\n${indent}${name}.WriteString(${init})` : ''}`));
  let appends = 0;
  // Per += statement inside the loop: its operands, for the size pre-pass (Grow).
  const inLoop: { text: string }[][] = [];
  for (const use of identUses(src, name, declEnd, fn.bodyEnd)) {
    const [ls, le] = lineBounds(src, use);
    const line = src.masked.slice(ls, le);
    const plus = new RegExp(`^([\\t ]*)${n}\\s*\\+=\\s*(.+?)\\s*$`).exec(line);
    if (plus && ls + plus[1].length === use) {
      const rhsStart = ls + line.indexOf('+=') + 2;
      const rhsMasked = src.masked.slice(rhsStart, le);
      const lead = rhsMasked.length - rhsMasked.trimStart().length;
      const operands = splitPlus(src.masked.slice(rhsStart + lead, le).trimEnd(), src.text.slice(rhsStart + lead, le).trimEnd());
      if (!operands || operands.some((o) => identUses({ ...src, masked: o.masked }, name, 0, o.masked.length).length)) {
        return { refused: `${name} is read while it is built` };
      }
      const stmts = operands.map((o) => `${name}.WriteString(${o.text})`).join(`\n${plus[1]}`);
      edits.push(edit(src, use, ls + line.trimEnd().length, stmts));
      appends++;
      if (use > loop.bodyOpen && use < loop.bodyEnd) inLoop.push(operands);
      continue;
    }
    const ret = /^([\t ]*)return\s+/.exec(line);
    if (ret && /^\s*$/.test(src.masked.slice(use + name.length, le)) && ls + ret[0].length === use) {
      edits.push(edit(src, use + name.length, use + name.length, '.String()'));
      continue;
    }
    return { refused: `${name} is used other than by += and return (at line ${src.lineStarts.findIndex((s, i) => s <= use && (src.lineStarts[i + 1] ?? Infinity) > use) + 1}), so turning it into a strings.Builder would need more than a local change` };
  }
  if (!appends) return null;
  const grow = growEdit(c, loop, name, inLoop, init);
  if (grow) edits.push(grow);
  edits.push(...addImport(src, 'strings'));
  return { title: `Build ${name} with a strings.Builder${grow ? ', sized up front' : ''}`, edits, isPreferred: true };
}

/**
 * When the size is known, Grow the builder once before the loop. It is known when
 * the loop ranges over a []string and its body only appends the element and
 * plain string literals: then a length-summing pass (no allocation, what
 * strings.Join does) gives the exact size.
 */
function growEdit(c: FixContext, loop: ForLoop, name: string, inLoop: { text: string }[][], init: string): TextEditPlain | undefined {
  const { src, fn } = c;
  const shape = loopShape(loop.header);
  if (!shape?.value || typeOf(shape.over, fn, src, c.pkgTexts) !== '[]string') return undefined;
  // The body is nothing but the += statements.
  const bodyLines = src.masked.slice(loop.bodyOpen + 1, loop.bodyEnd - 1).split('\n').map((l) => l.trim()).filter(Boolean);
  if (!inLoop.length || bodyLines.length !== inLoop.length || !bodyLines.every((l) => l.startsWith(`${name} +=`) || l.startsWith(`${name}+=`))) return undefined;
  let perItem = 0;
  let elems = 0;
  for (const op of inLoop.flat()) {
    if (op.text === shape.value) elems++;
    else {
      const bytes = literalBytes(op.text);
      if (bytes === undefined) return undefined;
      perItem += bytes;
    }
  }
  const initLen = literalBytes(init);
  if (initLen === undefined) return undefined;
  const size = `${name}Len`;
  if (identUses(src, size, fn.bodyOpen, fn.bodyEnd).length) return undefined;
  const indent = indentAt(src, loop.start);
  const terms = [...Array(elems).fill(`len(${shape.value})`), ...(perItem ? [String(perItem)] : [])].join(' + ');
  return edit(src, loop.start, loop.start,
    `${size} := ${initLen}\n${indent}for _, ${shape.value} := range ${shape.over} {\n${indent}\t${size} += ${terms}\n${indent}}\n${indent}${name}.Grow(${size})\n${indent}`);
}

/** Bytes of a Go interpreted string literal with only simple escapes, else undefined. */
function literalBytes(lit: string): number | undefined {
  if (!/^"(?:[^"\\\n]|\\[nrt"\\])*"$/.test(lit)) return undefined;
  return Buffer.byteLength(JSON.parse(lit) as string);
}

/** `a + "," + b` as operands (masked and original text), or undefined when a `+` is not top-level. */
function splitPlus(masked: string, text: string): { masked: string; text: string }[] | undefined {
  const parts = splitTopLevel(masked, '+');
  const out: { masked: string; text: string }[] = [];
  let pos = 0;
  for (const p of parts) {
    const i = masked.indexOf(p, pos);
    if (i < 0) return undefined;
    out.push({ masked: p, text: text.slice(i, i + p.length) });
    pos = i + p.length;
  }
  return out.length ? out : undefined;
}
