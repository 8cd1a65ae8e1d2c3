// The quick fixes: computed by the Go helper (gohelper/, Go's own parser and type
// checker) from the findings of the last analysis. This module turns its answers
// into plain data for the code-action feature.
import * as path from 'node:path';
import type { Finding } from '../escape/types';
import type { GoHelper } from './goHelper';
import type { Fix, TextEditPlain } from './types';

export interface FixesForFinding {
  fixes: (Fix & { id: string })[];
  /** Why a matching shape got no edit (for the Explain page). */
  refusals: string[];
  /** The helper failed (a bug in HeapLens or the environment, not in the user's code). */
  errors: string[];
}

export interface FixesInput {
  helper: GoHelper;
  /** The document the findings are in. */
  path: string;
  findings: { key: string; finding: Finding; measured?: string }[];
  goVersion?: string;
  tags?: string[];
  /** Unsaved buffers of the package: absolute path -> text. */
  overlay?: Record<string, string>;
}

export async function fixesFor(input: FixesInput): Promise<Map<string, FixesForFinding>> {
  const out = new Map<string, FixesForFinding>();
  const results = await input.helper.fixes({
    dir: path.dirname(input.path),
    goVersion: input.goVersion,
    tags: input.tags,
    overlay: input.overlay,
    findings: input.findings,
  });
  for (const r of results) {
    out.set(r.key, {
      fixes: r.fixes.map((f) => ({
        id: f.id,
        title: f.title,
        isPreferred: f.isPreferred,
        edits: f.edits.map((e): TextEditPlain => ({ range: e.range, newText: e.newText, path: e.path === input.path ? undefined : e.path })),
      })),
      refusals: r.refusals,
      errors: r.errors ?? [],
    });
  }
  return out;
}

/** Applies LSP-style edits (0-based line, UTF-16 character) to a text. */
export function applyEdits(text: string, edits: readonly { range: TextEditPlain['range']; newText: string }[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => (p.line >= starts.length ? text.length : Math.min(starts[p.line] + p.character, text.length));
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}
