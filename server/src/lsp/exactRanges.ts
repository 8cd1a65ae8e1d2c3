// Exact underlines from Go's own parser (gohelper/ranges.go) for the findings of one
// analysis. The helper runs as its own process, apart from the quick fixes' one, so
// a cold `go list -export` there never delays diagnostics. Whenever it is not ready
// (first build under way, an error, too slow) the caller falls back to
// expressionRange's reading of the line: diagnostics are never held back for it.
import type { Range } from 'vscode-languageserver';
import type { Finding } from '../escape/types';
import { defaultCacheDir, GoHelper, type RangeFile } from '../fixes/goHelper';
import { exactRange, lineSource } from './placement';

/** The exact range of a finding, or undefined (then use expressionRange). */
export type RangeLookup = (f: Finding) => Range | undefined;

export type ExactRanges = (findings: Finding[], goBin: string, openText: (path: string) => string | undefined) => Promise<RangeLookup | undefined>;

/** How long a cached helper may take to be found (and a new one to start) before this analysis goes without it. */
const READY_BUDGET_MS = 3_000;
/** Parsing a package's files takes milliseconds; past this something is wrong. */
const REQUEST_TIMEOUT_MS = 10_000;

const keyOf = (f: Finding) => `${f.line}:${f.column}`;

/** `readyBudgetMs`: how long to wait for the helper to be built (benchmarks and tests wait for it). */
export function exactRangesProvider(log: (line: string) => void, readyBudgetMs = READY_BUDGET_MS): { ranges: ExactRanges; dispose(): void } {
  let helper: GoHelper | undefined;
  let helperGoBin: string | undefined;
  let failed = false;
  const ranges: ExactRanges = async (findings, goBin, openText) => {
    if (!helper || helperGoBin !== goBin) {
      helper?.dispose();
      helper = new GoHelper({ goBin, cacheDir: defaultCacheDir(), log });
      helperGoBin = goBin;
      failed = false;
    }
    const h = helper;
    if (failed) return undefined;
    const building = h.build();
    building.catch((err: unknown) => {
      failed = true;
      log(`exact underlines unavailable (the line's text is read instead): ${err instanceof Error ? err.message : String(err)}`);
    });
    const ready = await Promise.race([building.then(() => true, () => false), new Promise<boolean>((r) => setTimeout(() => r(false), readyBudgetMs).unref())]);
    if (!ready) return undefined;
    const byFile = new Map<string, Finding[]>();
    for (const f of findings) {
      if (f.column === null || !f.line) continue;
      const list = byFile.get(f.path);
      if (list) list.push(f);
      else byFile.set(f.path, [f]);
    }
    if (!byFile.size) return () => undefined;
    const files: RangeFile[] = [...byFile].map(([p, fs]) => ({
      path: p,
      ...(openText(p) !== undefined ? { text: openText(p) } : {}),
      at: fs.map((f) => ({ line: f.line, col: f.column!, ...(f.subject ? { subject: f.subject } : {}) })),
    }));
    let answer;
    try {
      answer = await h.ranges(files, REQUEST_TIMEOUT_MS);
    } catch (err) {
      log(`exact underlines failed (the line's text is read instead): ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
    const lines = lineSource(openText);
    // Keyed by file, position and subject: two verdicts at one position may be about different expressions.
    const out = new Map<string, Range | undefined>();
    files.forEach((file, i) => {
      const fs = byFile.get(file.path)!;
      fs.forEach((f, j) => {
        const e = answer[i]?.[j];
        out.set(`${file.path}\0${keyOf(f)}\0${f.subject ?? ''}`, e ? exactRange((l) => lines(file.path, l), e, f.line) : undefined);
      });
    });
    return (f) => out.get(`${f.path}\0${keyOf(f)}\0${f.subject ?? ''}`);
  };
  return { ranges, dispose: () => helper?.dispose() };
}
