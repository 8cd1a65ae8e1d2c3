// The escape-analysis model: what the Go compiler said, as plain data.
// Pure: no vscode or language-server imports, so everything can use it.

/** Canonical finding kinds. `error` is a compile error; `unknown` a line we could not classify. */
export type FindingKind =
  | 'moved-to-heap'
  | 'escapes-to-heap'
  | 'does-not-escape'
  | 'leaking-param'
  | 'leaking-param-content'
  | 'leaking-param-to-result'
  | 'can-inline'
  | 'cannot-inline'
  | 'inlining-call'
  | 'devirtualized'
  | 'closure-capture'
  | 'bounds-check-elided'
  | 'zero-copy-conversion'
  | 'loop-var'
  | 'inline-budget'
  | 'self-assignment'
  | 'unsafe-uintptr'
  | 'no-alloc-conversion'
  | 'kept-alive'
  | 'imprecise-call'
  | 'error'
  | 'unknown';

/** One `-m=2` explanation line, attached to the finding it explains. */
export interface ExplanationStep {
  /** Path as the compiler printed it. */
  file: string;
  /** Absolute path on disk (resolved against the directory the compiler ran in). */
  path: string;
  line: number;
  /** 1-based byte column, or null when the compiler printed none. */
  column: number | null;
  /** The compiler's text after the `file:line:col: ` prefix, verbatim. */
  message: string;
  /** For `from … at file:line:col` steps: where the step happens. */
  at?: { file: string; path: string; line: number; column: number | null };
  /**
   * `flow` (a `flow: a = &b:` line), `from` (a `from … at …` line), `header`, `convert`
   * (the compiler's `convert: using global for …` line saying the value is boxed without
   * allocating, printed with -d=escapedebug=1), or `other`.
   */
  role: 'header' | 'flow' | 'from' | 'convert' | 'other';
}

export interface Finding {
  /** Path as the compiler printed it. */
  file: string;
  /** Absolute path on disk. */
  path: string;
  line: number;
  /** 1-based byte column, or null. */
  column: number | null;
  kind: FindingKind;
  /** The compiler's text after the prefix, verbatim. */
  message: string;
  /** The subject of the finding: variable, parameter or expression (`buf`, `&x`, `make([]int, n)`). */
  subject?: string;
  /** For leaking params: where it leaks (`heap`, `result ~r0`, …) */
  detail?: string;
  explanation: ExplanationStep[];
  /** Package header this came under (`example.com/m/esc [example.com/m/esc.test]`). */
  pkg?: string;
  /**
   * For `escapes-to-heap`: set when the compiler said it boxes the value without allocating
   * (a constant, a zero-size or single-byte value), e.g. "using global for zero-sized interface value".
   */
  noAlloc?: string;
}

export interface ParseResult {
  findings: Finding[];
  /** Compile errors, kept apart from findings. */
  errors: Finding[];
  /** Package headers seen, in order. */
  packages: string[];
  /**
   * `-m=2` explanation blocks the compiler printed without any verdict (go/defer wrappers,
   * generic shape instantiations): kept so no line is lost, never shown as findings.
   */
  orphans: Finding[];
}
