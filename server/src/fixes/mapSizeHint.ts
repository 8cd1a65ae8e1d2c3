// Fix 2: a map filled in a loop over something with a length gets a size hint,
// so it is allocated once at the right size instead of growing and rehashing:
//   make(map[string]*Product)  ->  make(map[string]*Product, len(products))
import { declaredAt, fixContext } from './context';
import { edit, enclosingLoops, escapeRe, hasLength, lineBounds, loopShape, matchClose, splitTopLevel, typeOf } from './goSyntax';
import type { FixInput, FixResult } from './types';

export function mapSizeHint(input: FixInput): FixResult {
  const { finding } = input;
  if (finding.kind !== 'escapes-to-heap' && finding.kind !== 'does-not-escape') return null;
  if (!/^make\(map\[/.test(finding.subject ?? finding.message)) return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  if (!src.masked.startsWith('make(map[', at)) return null;
  const close = matchClose(src.masked, at + 4);
  if (close < 0 || splitTopLevel(src.masked.slice(at + 5, close - 1)).length !== 1) return null;
  const [lineStart] = lineBounds(src, at);
  const stmt = /([\p{L}_][\p{L}\p{N}_]*)\s*(?::=|=)\s*$/u.exec(src.masked.slice(lineStart, at));
  if (!stmt) return null;
  const name = stmt[1];
  // The first loop after the make that stores into the map.
  const store = new RegExp(`(?<![\\w.])${escapeRe(name)}\\[[^\\n]*\\]\\s*=[^=]`, 'g');
  store.lastIndex = close;
  for (let m = store.exec(src.masked); m && m.index < fn.bodyEnd; m = store.exec(src.masked)) {
    const loop = enclosingLoops(src, fn, m.index).find((l) => l.start > close);
    const shape = loop && loopShape(loop.header);
    if (!shape) continue;
    if (!hasLength(typeOf(shape.over, fn, src, c.pkgTexts))) continue;
    const overDecl = declaredAt(c, shape.over);
    if (overDecl === undefined || overDecl > at) continue;
    return {
      title: `Size ${name} for len(${shape.over}) entries`,
      edits: [edit(src, close - 1, close - 1, `, len(${shape.over})`)],
      isPreferred: true,
    };
  }
  return null;
}
