// Fix 4: fmt boxes every argument in an interface, which moves it to the heap;
// formatting one integer or joining strings needs no fmt at all:
//   fmt.Sprintf("%d", n)      ->  strconv.Itoa(n)
//   fmt.Sprintf("%s-%s", a, b) ->  a + "-" + b
// Only when the argument types are known from the source (params, locals, struct fields).
import { fixContext } from './context';
import { addImport, applyEdits, edit, matchClose, removeImport, splitTopLevel, typeOf, usesPackage } from './goSyntax';
import type { FixInput, FixResult } from './types';

const SIGNED = new Set(['int8', 'int16', 'int32', 'int64', 'rune']);
const UNSIGNED = new Set(['uint', 'uint8', 'uint16', 'uint32', 'uint64', 'byte', 'uintptr']);

export function strconvFormat(input: FixInput): FixResult {
  if (input.finding.kind !== 'escapes-to-heap') return null;
  const c = fixContext(input);
  if (!c) return null;
  const { src, at, fn } = c;
  // The fmt call whose argument list holds the finding.
  const re = /(?<![\p{L}\p{N}_.])fmt\.(Sprintf|Sprint)\(/gu;
  re.lastIndex = Math.max(fn.bodyOpen, src.lineStarts[Math.max(0, input.finding.line - 1)]);
  let call: { start: number; open: number; close: number; fn: string } | undefined;
  for (let m = re.exec(src.masked); m && m.index < at; m = re.exec(src.masked)) {
    const open = m.index + m[0].length - 1;
    const close = matchClose(src.masked, open);
    if (close > at) call = { start: m.index, open, close, fn: m[1] };
  }
  if (!call) {
    // The compiler reports a boxed argument of an inlined callee at the call site.
    const inlined = input.finding.explanation.some((e) => /\bfmt\.Sprint/.test(e.message));
    return inlined ? { refused: 'the fmt call is in a function the compiler inlined here; the fix belongs where that call is written (its own finding offers it)' } : null;
  }
  const argsText = src.text.slice(call.open + 1, call.close - 1);
  const argsMasked = src.masked.slice(call.open + 1, call.close - 1);
  const masked = splitTopLevel(argsMasked);
  const args = sliceLike(masked, argsMasked, argsText);
  if (!args || args.some((a) => a.endsWith('...'))) return null;

  let pieces: { kind: 'lit' | 'arg'; text: string }[];
  if (call.fn === 'Sprintf') {
    const format = args[0];
    if (!/^"[^"\n]*"$/.test(format)) return null;
    pieces = [];
    const verbs = format.slice(1, -1).split(/(%[sd%]|%)/);
    let argi = 1;
    let lit = '';
    for (const v of verbs) {
      if (v === '%%') lit += '%';
      else if (v === '%s' || v === '%d') {
        if (lit) pieces.push({ kind: 'lit', text: lit });
        lit = '';
        if (argi >= args.length) return null;
        pieces.push({ kind: 'arg', text: `${v}${args[argi++]}` });
      } else if (v === '%') return null;
      else lit += v;
    }
    if (lit) pieces.push({ kind: 'lit', text: lit });
    if (argi !== args.length) return null;
  } else {
    // Sprint puts spaces between operands when neither is a string: only one integer or all strings.
    pieces = args.map((a) => ({ kind: 'arg' as const, text: `%v${a}` }));
  }

  const parts: string[] = [];
  let strconv = false;
  for (const p of pieces) {
    if (p.kind === 'lit') { parts.push(`"${p.text}"`); continue; }
    const verb = p.text.slice(0, 2);
    const arg = p.text.slice(2);
    const type = typeOf(arg, fn, src, c.pkgTexts) ?? (/^"[^"]*"$/.test(arg) ? 'string' : /^\d+$/.test(arg) ? 'int' : undefined);
    if (!type) return { refused: `the type of ${arg} is not known from the source, so the strconv function to use is not either` };
    const integer = type === 'int' || SIGNED.has(type) || UNSIGNED.has(type);
    if (verb === '%s' && type !== 'string') return { refused: `${arg} is a ${type}, formatted with %s` };
    if (verb === '%d' && !integer) return { refused: `${arg} is a ${type}, formatted with %d` };
    if (verb === '%v' && !integer && type !== 'string') return null;
    if (type === 'string') { parts.push(arg); continue; }
    strconv = true;
    const simple = /^[\p{L}\p{N}_.]+$/u.test(arg) ? arg : `(${arg})`;
    if (type === 'int') parts.push(`strconv.Itoa(${arg})`);
    else if (type === 'int64') parts.push(`strconv.FormatInt(${arg}, 10)`);
    else if (SIGNED.has(type)) parts.push(`strconv.FormatInt(int64(${arg}), 10)`);
    else if (type === 'uint64') parts.push(`strconv.FormatUint(${arg}, 10)`);
    else parts.push(`strconv.FormatUint(uint64(${simple}), 10)`);
  }
  if (call.fn === 'Sprint' && parts.some((p, i) => i > 0 && p.startsWith('strconv.') && parts[i - 1].startsWith('strconv.'))) return null;
  if (!parts.length) return null;
  const replacement = parts.join(' + ');
  const main = edit(src, call.start, call.close, replacement);
  const edits = [main];
  if (strconv) edits.push(...addImport(src, 'strconv'));
  if (!usesPackage(applyEdits(input.text, [main]), 'fmt')) edits.push(...removeImport(src, 'fmt'));
  const what = call.fn === 'Sprintf' ? `fmt.Sprintf(${args[0]}, …)` : 'fmt.Sprint(…)';
  return { title: `Replace ${what} with ${strconv && parts.length === 1 ? replacement.replace(/\(.*$/, '') : 'concatenation'}`, edits, isPreferred: true };
}

/** The original text of each masked part. */
function sliceLike(parts: string[], masked: string, text: string): string[] | undefined {
  const out: string[] = [];
  let pos = 0;
  for (const p of parts) {
    const i = masked.indexOf(p, pos);
    if (i < 0) return undefined;
    out.push(text.slice(i, i + p.length));
    pos = i + p.length;
  }
  return out;
}
