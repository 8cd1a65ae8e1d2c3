// Fix 5, the cheaper form for loop variables in modules before Go 1.22: one
// variable is shared by all iterations, so a goroutine or deferred closure that
// captures it moves it to the heap (and sees it change). A per-iteration copy at
// the top of the loop body is what Go 1.22 does by itself; the closure then
// captures the copy by value, with no extra allocation:
//   for _, p := range products {      for _, p := range products {
//                                         p := p
//       go func() { use(p) }()            go func() { use(p) }()
import { analyseCapture } from './closureArg';
import { edit, indentAt } from './goSyntax';
import type { FixInput, FixResult } from './types';

export function loopVarCopy(input: FixInput): FixResult {
  const cap = analyseCapture(input);
  if (!cap || 'refused' in cap) return cap;
  if (!cap.loop) return null;
  const { src } = cap.c;
  const lineEnd = src.text.indexOf('\n', cap.loop.bodyOpen);
  if (lineEnd < 0 || lineEnd >= cap.loop.bodyEnd - 1 || src.masked.slice(cap.loop.bodyOpen + 1, lineEnd).trim()) return null;
  const indent = `${indentAt(src, cap.loop.start)}\t`;
  return {
    title: `Copy ${cap.name} per iteration (${cap.name} := ${cap.name}) so the closure captures it by value`,
    edits: [edit(src, lineEnd + 1, lineEnd + 1, `${indent}${cap.name} := ${cap.name}\n`)],
    isPreferred: true,
  };
}
