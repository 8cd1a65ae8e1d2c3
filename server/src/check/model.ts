// What `heaplens check` reports, as plain data. Pure: no vscode or language-server imports.
// Everything here is built from the parser's Finding output (kinds and subjects),
// never from the wording of diagnostics.
import type { Finding } from '../escape/types';

/** The finding kinds that are heap allocations. */
export const ALLOC_KINDS: ReadonlySet<Finding['kind']> = new Set(['moved-to-heap', 'escapes-to-heap']);

/**
 * Whether a finding is an allocation at run time. A constant (`"total"`, `42`) converted
 * to an interface is reported as escaping, but Go points the interface at read-only
 * data instead of allocating, so it is not counted.
 */
export function allocates(f: Finding): boolean {
  if (!ALLOC_KINDS.has(f.kind)) return false;
  const s = f.subject ?? '';
  return !/^(?:"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)+'|-?\d[\d_.eExXa-fA-F]*|true|false|nil)$/.test(s);
}

/** A heap allocation the compiler reported, placed in its function. */
export interface HeapSite {
  finding: Finding;
  /** Path relative to the module root, with `/` separators. */
  rel: string;
  /** `F`, `(*T).M`, `T.M`; '' for package-level code. */
  func: string;
  /** The allocated expression or variable as the compiler names it, whitespace removed. */
  expr: string;
  /** Calls inlined at the same position (`mk`, `bytes.NewBuffer`): the allocation happens inside them. */
  inlined: string[];
}

export type RuleId = 'new-heap-allocation' | 'noalloc' | 'inline' | 'noescape' | 'bce' | 'directive';

export interface Flow {
  /** "&x — its address is taken" */
  text: string;
  rel: string;
  line: number;
  column: number | null;
}

/** One problem the check reports: a new allocation or a broken assertion. */
export interface Problem {
  rule: RuleId;
  rel: string;
  line: number;
  column: number | null;
  /** One sentence: what is wrong. */
  message: string;
  /** The compiler's reason in words (may be empty). */
  reason: string;
  /** The compiler's flow, step by step. */
  flow: Flow[];
  func: string;
  /** Stable identity for baselines: survives line moves. */
  key: string;
  /** Share of the profile's bytes at this line, when --profile was given. */
  profileShare?: number;
  /** Below --min-share in the profile: reported, but does not fail the check. */
  cold?: boolean;
}

export interface CheckReport {
  base?: string;
  problems: Problem[];
  /** Assertions found and checked, for the summary and code lenses. */
  assertionsChecked: number;
  /** Packages analysed at head (compiler package headers). */
  packages: number;
  /** Findings suppressed by --baseline. */
  baselined: number;
  /** Notes for people: skipped directives, unknown directive names, build problems at the base. */
  notes: string[];
}

/** The check fails when any problem is not cold. */
export function failing(report: CheckReport): Problem[] {
  return report.problems.filter((p) => !p.cold);
}
