// The one typed definition of HeapLens's settings, with defaults. The server
// reads them per scope through `workspace/configuration` on every analysis and
// never keeps them in globals; package.json's `contributes.configuration` must
// list the same keys and defaults (test/lsp/settings.test.ts checks that).
import * as path from 'node:path';
import type { FindingKind } from '../escape/types';
import { allLintKinds, type LintKind } from '../fixes/lints';

export type SeverityName = 'error' | 'warning' | 'information' | 'hint';
export type AnalyzeOn = 'save' | 'type';
/** How allocations on cold paths (error returns, panics, test failure messages, tests) are shown. */
export type ColdAllocations = 'hint' | 'show' | 'hide';

export interface Settings {
  /** Finding kinds shown as diagnostics. Hovers show every escape verdict regardless. */
  kinds: FindingKind[];
  severity: SeverityName;
  analyzeOn: AnalyzeOn;
  /** Extra `go build` flags, e.g. ["-race"]. */
  buildFlags: string[];
  tags: string[];
  /** The `go` executable to run. */
  goBin: string;
  coldAllocations: ColdAllocations;
  /** Memory lints (found by the Go helper, no compiler finding behind them) shown as diagnostics. */
  lints: LintKind[];
}

/**
 * Heap allocations: what a person chasing allocations wants to see first. Leaking
 * parameters are not allocations (the caller's argument may be); they are in the hover.
 */
export const defaultKinds: FindingKind[] = ['moved-to-heap', 'escapes-to-heap'];

export const allKinds: FindingKind[] = [
  'moved-to-heap', 'escapes-to-heap', 'does-not-escape', 'leaking-param', 'leaking-param-content',
  'leaking-param-to-result', 'can-inline', 'cannot-inline', 'inlining-call', 'devirtualized',
  'closure-capture', 'bounds-check-elided', 'zero-copy-conversion', 'loop-var', 'inline-budget', 'self-assignment',
  'unsafe-uintptr', 'no-alloc-conversion', 'kept-alive', 'imprecise-call', 'unknown',
];
const coldChoices: ColdAllocations[] = ['hint', 'show', 'hide'];

export const severities: SeverityName[] = ['error', 'warning', 'information', 'hint'];

/** Defaults of the `heaplens.*` section, as package.json declares them. */
export const heaplensDefaults = {
  kinds: defaultKinds,
  severity: 'information' as SeverityName,
  analyzeOn: 'save' as AnalyzeOn,
  buildFlags: [] as string[],
  buildTags: '',
  goPath: '',
  coldAllocations: 'hint' as ColdAllocations,
  lints: allLintKinds,
};

/** The configuration sections the server asks for, in this order. */
export const configurationSections = ['heaplens', 'go'] as const;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const stringArray = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? (v as string[]) : undefined;
const nonEmpty = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** `go.buildTags` is one comma- or space-separated string; accept a list too. */
export function splitTags(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return stringArray(v)?.map((t) => t.trim()).filter(Boolean);
  const s = nonEmpty(v);
  return s === undefined ? undefined : s.split(/[\s,]+/).filter(Boolean);
}

/**
 * Turns what `workspace/configuration` answered for the `heaplens` and `go`
 * sections (anything: null from editors without those settings, wrong types
 * from hand-edited JSON) into valid settings. HeapLens's own values win;
 * the Go extension's `go.buildFlags`, `go.buildTags` and `go.goroot` fill in
 * what HeapLens leaves unset.
 */
export function resolveSettings(heaplens: unknown, go: unknown): Settings {
  const h = isObject(heaplens) ? heaplens : {};
  const g = isObject(go) ? go : {};
  const known = new Set<string>(allKinds);
  const kinds = stringArray(h.kinds)?.filter((k): k is FindingKind => known.has(k)) ?? [...defaultKinds];
  const severity = severities.includes(h.severity as SeverityName) ? (h.severity as SeverityName) : heaplensDefaults.severity;
  const analyzeOn: AnalyzeOn = h.analyzeOn === 'type' ? 'type' : 'save';
  const ownFlags = stringArray(h.buildFlags);
  const buildFlags = ownFlags && ownFlags.length ? ownFlags : stringArray(g.buildFlags) ?? [];
  const tags = splitTags(h.buildTags) ?? splitTags(g.buildTags) ?? [];
  const goroot = nonEmpty(g.goroot);
  const goBin = nonEmpty(h.goPath) ?? (goroot ? path.join(goroot, 'bin', 'go') : 'go');
  const coldAllocations = coldChoices.includes(h.coldAllocations as ColdAllocations) ? (h.coldAllocations as ColdAllocations) : heaplensDefaults.coldAllocations;
  const knownLints = new Set<string>(allLintKinds);
  const lints = stringArray(h.lints)?.filter((k): k is LintKind => knownLints.has(k)) ?? [...allLintKinds];
  return { kinds, severity, analyzeOn, buildFlags, tags, goBin, coldAllocations, lints };
}
