// The hot list: every line that allocates, joined with the compiler's escape
// verdicts on it, ordered by what the profile measured there.
import type { AllocLabel } from './allocLabels';

export interface EscapeOnLine {
  kind: string;
  /** describeFinding's title, e.g. "s is moved to the heap". */
  title: string;
  reason?: string;
}

export interface Hotspot {
  path: string;
  /** 1-based line as profiled. */
  line: number;
  /** Value for the selected sample type (signed in diffs). */
  value: number;
  functions: string[];
  escapes: EscapeOnLine[];
  /** What the runtime frame (or the source) says, for lines without an escape finding. */
  label?: AllocLabel;
}

/** Largest |value| first; equal values by file and line, so the order is stable. */
export function rankHotspots(sites: Hotspot[]): Hotspot[] {
  return sites
    .filter((s) => s.value !== 0)
    .sort((a, b) => Math.abs(b.value) - Math.abs(a.value) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
}

/** The one-line "why" next to a site: the compiler's verdict, else the allocation's kind. */
export function hotspotReason(h: Hotspot): string {
  if (h.escapes.length) {
    const e = h.escapes[0];
    return `${e.title}${e.reason ? `: ${e.reason}` : ''}${h.escapes.length > 1 ? ` (+${h.escapes.length - 1} more)` : ''}`;
  }
  return h.label?.text ?? 'allocates (no escape finding on this line)';
}
