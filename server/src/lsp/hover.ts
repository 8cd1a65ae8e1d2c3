// The escape-analysis hover section: the compiler's verdict, the reason in plain
// words and the flow as numbered steps linking to their lines.
import * as path from 'node:path';
import type { Position, Range } from 'vscode-languageserver';
import { describeFinding } from '../escape/describe';
import { coldReasonText, type Signal } from '../escape/signal';
import type { Finding, FindingKind } from '../escape/types';
import type { FindingsStore, PlacedFinding } from './findingsStore';
import { pathToUri } from './packages';

/** One part of a hover; features contribute sections (see features.ts). */
export interface HoverSection {
  markdown: string;
  range?: Range;
}
export type HoverSectionProvider = (uri: string, position: Position) => HoverSection | undefined;

/**
 * Shown on hover when they are not diagnostics: leaking parameters, inlining decisions,
 * cold or non-allocating escapes. A finding that is a diagnostic is not repeated: the
 * editor already shows its message and steps in the same hover.
 */
const ALWAYS_ON_HOVER = new Set<FindingKind>([
  'moved-to-heap', 'escapes-to-heap', 'does-not-escape', 'leaking-param', 'leaking-param-content',
  'leaking-param-to-result', 'closure-capture', 'loop-var', 'can-inline', 'cannot-inline', 'inlining-call',
  'devirtualized', 'kept-alive', 'imprecise-call',
]);

/** Markdown text, with the characters that would start markup escaped. */
export function escapeMarkdown(s: string): string {
  return s.replace(/[\\`*_[\]<>|~]/g, '\\$&');
}

/** `file:///abs/path#L12,5` — VS Code opens such a link at line 12, column 5 (both 1-based). */
export function lineLink(file: string, line: number, column: number | null): string {
  return `${pathToUri(file)}#L${line}${column ? `,${column}` : ''}`;
}

export function renderFinding(f: Finding, signal?: Signal): string {
  const d = describeFinding(f);
  const out = [`**${escapeMarkdown(d.title)}**`];
  if (d.reason) out.push(`Why: ${escapeMarkdown(d.reason)}.`);
  if (signal?.cold) out.push(`Set apart: ${escapeMarkdown(coldReasonText[signal.cold])}.`);
  if (d.steps.length) {
    out.push(d.steps.map((s, i) =>
      `${i + 1}. [${escapeMarkdown(s.text)}](${lineLink(s.path, s.line, s.column)}) — ${escapeMarkdown(path.basename(s.path))}:${s.line}`).join('\n'));
  }
  out.push(`Compiler: \`${f.message.replace(/`/g, "'")}\``);
  return out.join('\n\n');
}

export function escapeHoverSection(store: FindingsStore): HoverSectionProvider {
  return (uri, position) => {
    const here = store.at(uri, position).filter((p) => !p.diagnostic && ALWAYS_ON_HOVER.has(p.finding.kind));
    if (!here.length) return undefined;
    const unique: PlacedFinding[] = [];
    for (const p of here) if (!unique.some((u) => u.finding.message === p.finding.message)) unique.push(p);
    return {
      markdown: `**HeapLens** · escape analysis\n\n${unique.map((p) => renderFinding(p.finding, p.signal)).join('\n\n---\n\n')}`,
      range: unique[0].range,
    };
  };
}
