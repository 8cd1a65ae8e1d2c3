// Fix 9: the "Explain" page for a finding that has no safe automatic change:
// what the compiler decided, its flow with links to each line, why no edit is
// offered, and the usual remedies for that kind of allocation. Markdown.
import { pathToFileURL } from 'node:url';
import { describeFinding } from '../escape/describe';
import type { Finding } from '../escape/types';

const link = (file: string, line: number, column: number | null) =>
  `${pathToFileURL(file).href}#L${line}${column ? `,${column}` : ''}`;

const base = (p: string) => p.split(/[\\/]/).pop() ?? p;

export function explainMarkdown(f: Finding, refusals: readonly string[] = [], measured?: string): string {
  const d = describeFinding(f);
  const out: string[] = [`# ${d.title}`, ''];
  out.push(`[${base(f.path)}:${f.line}](${link(f.path, f.line, f.column)}) — compiler: \`${f.message.replace(/`/g, "'")}\``, '');
  if (d.reason) out.push(`**Why:** ${d.reason}.`, '');
  if (measured) out.push(`**Measured:** ${measured} on this line in the loaded heap profile.`, '');
  if (d.steps.length) {
    out.push('## How it flows', '');
    d.steps.forEach((s, i) => out.push(`${i + 1}. [${base(s.path)}:${s.line}](${link(s.path, s.line, s.column)}) ${s.text.replace(/`/g, "'")}`));
    out.push('');
  }
  out.push('## Why there is no automatic fix', '');
  if (refusals.length) for (const r of refusals) out.push(`- ${r}.`);
  else out.push('- None of HeapLens\'s quick fixes matches this code\'s shape, or the change could alter what the program does.');
  out.push('', '## Usual remedies', '');
  for (const r of remedies(f)) out.push(`- ${r}`);
  out.push('', 'Measure before and after: `go test -run \'^$\' -bench . -benchmem` (allocs/op), and a heap profile for what stays alive.', '');
  return out.join('\n');
}

function remedies(f: Finding): string[] {
  const s = `${f.subject ?? ''} ${f.explanation.map((e) => e.message).join(' ')}`;
  const out: string[] = [];
  if (/\(return\)/.test(s) && f.kind === 'moved-to-heap') out.push('Return the value instead of its address when it is small and callers copy it anyway.');
  if (/captured by a closure|func literal/.test(s)) out.push('Pass the variable to the closure as an argument instead of capturing it, or avoid the closure (a method value, a plain loop).');
  if (/\.\.\. argument|interface-converted|fmt\./.test(s)) out.push('Values passed as `any` (fmt, log, errors) are boxed: use strconv, typed loggers, or format only when the message is needed.');
  if (/^append|append\(/.test(f.subject ?? '')) out.push('Preallocate with `make([]T, 0, n)` when the final length is known or can be bounded.');
  if (/^make\(map/.test(f.subject ?? '')) out.push('Give `make(map[K]V, n)` a size hint when the number of entries is known.');
  if (/non-constant size|too large for stack/.test(s)) out.push('Use a constant size small enough for the stack, or reuse the buffer across calls (a sync.Pool, or a buffer owned by the caller).');
  if (/\(slice\)/.test(s)) out.push('A kept sub-slice keeps the whole backing array alive: copy the part you keep (`bytes.Clone`, `append([]T(nil), s...)`).');
  if (f.kind === 'leaking-param' || f.kind === 'leaking-param-content') out.push('The parameter is stored where it outlives the call, so what callers pass may have to be heap-allocated: store a copy, or let the caller own the memory.');
  if (f.kind === 'leaking-param-to-result') out.push('The parameter flows to a result; callers that keep the result keep the argument alive.');
  if (/call parameter/.test(s) && !out.length) out.push('The value is passed to a function that keeps it: if you own that function, make it not retain the value (or take a copy).');
  if (/\+ |concat/.test(f.subject ?? '')) out.push('Build strings with a `strings.Builder` (with `Grow` when the size is known) instead of `+` in a loop.');
  if (!out.length) out.push('Keep values on the stack: avoid taking addresses that outlive the call, storing pointers in globals or interfaces, and sizes known only at run time.');
  out.push('Allocation is only worth removing on hot paths: check the heap profile (alloc_space) before changing code.');
  return out;
}
