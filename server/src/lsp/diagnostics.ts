// Findings as LSP diagnostics: one short sentence, the finding kind as a stable
// `code`, the compiler's flow as clickable related information.
import { DiagnosticSeverity, type Diagnostic, type DiagnosticRelatedInformation, type Range } from 'vscode-languageserver';
import { describeFinding, type FindingDescription } from '../escape/describe';
import { coldReasonText, type Signal } from '../escape/signal';
import type { Finding } from '../escape/types';
import type { FindingDiagnosticData, PlacedFinding } from './findingsStore';
import { pathToUri } from './packages';
import { placeRange, rangeText, type LineSource } from './placement';
import type { Settings, SeverityName } from './settings';

/**
 * The severity a finding is published with, or undefined when it is not a diagnostic:
 * a kind left out of `heaplens.kinds`, an escape the compiler boxes without allocating,
 * or a cold-path allocation with `heaplens.coldAllocations` = hide (hint by default).
 */
export function diagnosticSeverity(f: Finding, signal: Signal, settings: Pick<Settings, 'kinds' | 'severity' | 'coldAllocations'>): SeverityName | undefined {
  if (!settings.kinds.includes(f.kind)) return undefined;
  if (f.kind !== 'moved-to-heap' && f.kind !== 'escapes-to-heap') return settings.severity;
  if (!signal.allocates) return undefined;
  if (!signal.cold) return settings.severity;
  return settings.coldAllocations === 'hint' ? 'hint' : settings.coldAllocations === 'show' ? settings.severity : undefined;
}

export const SOURCE = 'heaplens';

/** Diagnostic codes that are not finding kinds. */
export const UNAVAILABLE_CODE = 'analysis-unavailable';

export function toSeverity(name: SeverityName): DiagnosticSeverity {
  switch (name) {
    case 'error': return DiagnosticSeverity.Error;
    case 'warning': return DiagnosticSeverity.Warning;
    case 'information': return DiagnosticSeverity.Information;
    case 'hint': return DiagnosticSeverity.Hint;
    default: {
      const never: never = name;
      return never;
    }
  }
}

/** "buf is moved to the heap: its address is returned" */
export function diagnosticMessage(f: Finding, d: FindingDescription = describeFinding(f), signal?: Signal): string {
  const text = d.reason ? `${d.title}: ${d.reason}` : d.title;
  return signal?.cold ? `${text} — ${coldReasonText[signal.cold]}` : text;
}

/** describeFinding's step text is "expression — why"; the expression is what the step points at. */
function stepSubject(text: string): string {
  const i = text.indexOf(' — ');
  return i < 0 ? text : text.slice(0, i);
}

export function relatedInformation(f: Finding, lines: LineSource, d: FindingDescription = describeFinding(f), uriOf: (file: string) => string = pathToUri): DiagnosticRelatedInformation[] {
  return d.steps.map((s, i) => ({
    location: { uri: uriOf(s.path), range: placeRange(lines(s.path, s.line), s.line, s.column, stepSubject(s.text)) },
    message: `${i + 1}. ${s.text}`,
  }));
}

/** `uriOf` maps paths to URIs (pass a caching one when making many diagnostics). */
export function findingDiagnostic(p: PlacedFinding, severity: SeverityName, lines: LineSource, uriOf: (file: string) => string = pathToUri): Diagnostic {
  const data: FindingDiagnosticData = { findingId: p.id, kind: p.finding.kind, subject: p.finding.subject };
  const d = describeFinding(p.finding, rangeText((l) => lines(p.finding.path, l), p.range));
  const related = relatedInformation(p.finding, lines, d, uriOf);
  const diagnostic: Diagnostic = {
    range: p.range,
    severity: toSeverity(severity),
    code: p.finding.kind,
    source: SOURCE,
    message: diagnosticMessage(p.finding, d, p.signal),
    data,
  };
  if (related.length) diagnostic.relatedInformation = related;
  return diagnostic;
}

/** The range of the `package x` clause, or the first line when there is none. */
export function packageClauseRange(text: string | undefined): Range {
  const lines = (text ?? '').split(/\r?\n/);
  let inBlock = false;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (inBlock) {
      if (l.includes('*/')) inBlock = false;
      continue;
    }
    const m = /^(\s*)package\s+[\p{L}\p{N}_]+/u.exec(l);
    if (m) return { start: { line: i, character: m[1].length }, end: { line: i, character: m[0].length } };
    if (/^\s*\/\*/.test(l) && !l.includes('*/')) inBlock = true;
  }
  return { start: { line: 0, character: 0 }, end: { line: 0, character: lines[0]?.length ?? 0 } };
}

/** The one diagnostic saying why a package could not be analysed. */
export function unavailableDiagnostic(fileText: string | undefined, why: string, related: DiagnosticRelatedInformation[] = []): Diagnostic {
  return {
    range: packageClauseRange(fileText),
    severity: DiagnosticSeverity.Warning,
    code: UNAVAILABLE_CODE,
    source: SOURCE,
    message: `Escape analysis unavailable: ${why}`,
    ...(related.length ? { relatedInformation: related } : {}),
  };
}
