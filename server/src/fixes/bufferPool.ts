// Fix 7: a bytes.Buffer made on every call of a hot function is allocated (and
// grown) again each time; a sync.Pool next to the function reuses one:
//   var buf bytes.Buffer   ->  buf := renderBuffers.Get().(*bytes.Buffer)
//                              buf.Reset()
//                              defer renderBuffers.Put(buf)
// Only when the buffer provably does not outlive the call: its bytes leave only
// as a copy (buf.String(), string(buf.Bytes()), bytes.Clone(buf.Bytes())).
import { fixContext } from './context';
import { addImport, edit, escapeRe, firstBraceAtDepth0, goAtLeast, identUses, indentAt, lineBounds, matchClose } from './goSyntax';
import type { FixInput, FixResult, TextEditPlain } from './types';

/** Methods that neither keep nor hand out the buffer's memory. */
const SAFE_METHODS = new Set(['Write', 'WriteString', 'WriteByte', 'WriteRune', 'Len', 'Cap', 'Grow', 'Reset', 'String', 'Truncate', 'ReadFrom', 'WriteTo', 'Available']);
/** Calls that write to an io.Writer argument and keep nothing. */
const WRITERS = /(?:fmt\.Fprint(?:f|ln)?|io\.WriteString|io\.Copy|io\.CopyN|binary\.Write)\(\s*$/;

export function bufferPool(input: FixInput): FixResult {
  const { finding } = input;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  const [ls, le] = lineBounds(src, at);
  const line = src.masked.slice(ls, le);
  let decl: RegExpExecArray | null = null;
  let pointer = false;
  if (finding.kind === 'moved-to-heap' && finding.subject) {
    decl = new RegExp(`^([\\t ]*)var\\s+(${escapeRe(finding.subject)})\\s+bytes\\.Buffer[\\t ]*$`).exec(line);
  } else if (finding.kind === 'escapes-to-heap' && /^(?:new\(bytes\.Buffer\)|&bytes\.Buffer\{)/.test(finding.subject ?? '')) {
    decl = /^([\t ]*)([\p{L}_][\p{L}\p{N}_]*)\s*:=\s*(?:new\(bytes\.Buffer\)|&bytes\.Buffer\{\s*\})[\t ]*$/u.exec(line);
    pointer = true;
  }
  if (!decl) return null;
  const name = decl[2];
  const declStart = ls + decl[1].length;
  const declEnd = ls + line.trimEnd().length;

  const edits: TextEditPlain[] = [];
  for (const use of identUses(src, name, declEnd, fn.bodyEnd)) {
    const after = src.masked.slice(use + name.length, use + name.length + 40);
    const before = src.masked.slice(Math.max(fn.bodyOpen, use - 60), use);
    const method = /^\s*\.\s*([\p{L}_][\p{L}\p{N}_]*)\s*\(/u.exec(after)?.[1];
    if (method && SAFE_METHODS.has(method)) continue;
    if (method === 'Bytes' && /(?:\bstring\(|bytes\.Clone\(|append\(\s*\[\]byte\(nil\)\s*,\s*)\s*$/.test(before)) continue;
    const addrOf = /&\s*$/.test(before);
    const writerArg = (pointer ? before : before.replace(/&\s*$/, '')).match(WRITERS) && /^\s*[,)]/.test(after);
    if (writerArg && (pointer || addrOf)) {
      if (addrOf) edits.push(edit(src, use - (before.length - before.replace(/&\s*$/, '').length), use, ''));
      continue;
    }
    const what = method === 'Bytes' ? `${name}.Bytes() hands out the buffer's memory` : `${name} is used in a way that may keep it (line ${src.text.slice(0, use).split('\n').length})`;
    return { refused: `${what}; returning it to a pool would let the next caller overwrite it` };
  }
  // A goroutine or closure using it could outlive the Put.
  const lit = /\bfunc\s*\(/g;
  lit.lastIndex = declEnd;
  for (let m = lit.exec(src.masked); m && m.index < fn.bodyEnd; m = lit.exec(src.masked)) {
    const open = firstBraceAtDepth0(src.masked, matchClose(src.masked, m.index + m[0].length - 1), fn.bodyEnd);
    const end = open < 0 ? -1 : matchClose(src.masked, open);
    if (end < 0) return null;
    if (identUses(src, name, open, end).length) return { refused: `a closure uses ${name} and could outlive the call` };
    lit.lastIndex = end;
  }

  const pool = poolName(fn.receiver, fn.name, c.pkgTexts);
  const indent = indentAt(src, declStart);
  const any = goAtLeast(input.goVersion, 18) ? 'any' : 'interface{}';
  edits.unshift(edit(src, declStart, declEnd,
    `${name} := ${pool}.Get().(*bytes.Buffer)\n${indent}${name}.Reset()\n${indent}defer ${pool}.Put(${name})`));
  edits.unshift(edit(src, fn.docStart, fn.docStart,
    `// ${pool} reuses ${fn.name}'s buffers between calls.\nvar ${pool} = sync.Pool{New: func() ${any} { return new(bytes.Buffer) }}\n\n`));
  edits.push(...addImport(src, 'sync'));
  const cost = input.measured ? ` (${input.measured} on this line)` : '';
  return { title: `Reuse ${name} through a sync.Pool${cost}`, edits, isPreferred: !!input.measured };
}

function poolName(receiver: string | undefined, fnName: string, texts: readonly string[]): string {
  const recvType = receiver ? /([\p{L}_][\p{L}\p{N}_]*)\s*(?:\[.*\])?$/u.exec(receiver)?.[1] ?? '' : '';
  const base = `${lowerFirst(recvType)}${recvType ? fnName : lowerFirst(fnName)}Buffers`;
  let name = base;
  for (let i = 2; texts.some((t) => new RegExp(`\\b${name}\\b`).test(t)); i++) name = `${base}${i}`;
  return name;
}

const lowerFirst = (s: string) => s.slice(0, 1).toLowerCase() + s.slice(1);
