// Memory lints: findings of the Go helper's own lint pass (gohelper/lint*.go),
// for shapes the compiler reports nothing about. Plain data and the diagnostic
// made from one; no editor state here.
import { DiagnosticSeverity, type Diagnostic } from 'vscode-languageserver';
import type { Fix, Range } from './types';

export type LintKind = 'clear-map' | 'remake-map' | 'pool-put-reset' | 'builder-grow';
export const allLintKinds: LintKind[] = ['clear-map', 'remake-map', 'pool-put-reset', 'builder-grow'];

/** The diagnostics' source: a kind of its own, apart from the compiler's findings (`heaplens`). */
export const LINT_SOURCE = 'heaplens-lint';

export interface Lint {
  id: LintKind;
  path: string;
  range: Range;
  message: string;
  fixes: (Fix & { id: string; edits: { path: string; range: Range; newText: string }[] })[];
  /** Why the edit is not offered (Explain shows them). */
  refusals: string[];
  errors?: string[];
}

/** What `Diagnostic.data` holds for lint diagnostics. */
export interface LintDiagnosticData {
  lintId: number;
}

export function lintDiagnostic(l: Lint, id: number): Diagnostic {
  const data: LintDiagnosticData = { lintId: id };
  return { range: l.range, severity: DiagnosticSeverity.Information, source: LINT_SOURCE, code: l.id, message: l.message, data };
}

/** The Explain page of a lint without a safe edit. */
export function explainLintMarkdown(l: Pick<Lint, 'id' | 'message' | 'refusals' | 'path' | 'range'>): string {
  const out = [`# ${l.message}`, '', `\`${l.id}\` at ${l.path}:${l.range.start.line + 1}`, ''];
  out.push('## Why there is no automatic fix', '');
  for (const r of l.refusals.length ? l.refusals : ['HeapLens could not prove an edit safe here.']) out.push(`- ${r}`);
  out.push('', '## What to do', '', REMEDIES[l.id] ?? '', '');
  return out.join('\n');
}

const REMEDIES: Record<LintKind, string> = {
  'clear-map': 'Replace the loop with `clear(m)` (Go 1.21) when the map cannot hold NaN keys, or when removing them too is what you want.',
  'remake-map': 'Where you know no other reference (a copy of the struct, a caller) holds the map, assign a new one (`m = make(map[K]V)`) instead of emptying it: the old buckets are then garbage. Maps never shrink, so a map that once held a million entries keeps that much memory after `clear`.',
  'pool-put-reset': 'Call `Reset()` on the buffer before `Put`, or right after every `Get`.',
  'builder-grow': 'Sum the lengths first and call `Grow(n)` once before the loop, as `strings.Join` does.',
};
