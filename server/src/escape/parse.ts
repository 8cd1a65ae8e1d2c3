// Parses what `go build -gcflags=-m[=2]` prints into findings.
// Pure: text in, findings out. Every line the compiler printed comes out exactly once,
// as a finding, an explanation step of the finding it explains, or a compile error.
import * as path from 'node:path';
import type { ExplanationStep, Finding, FindingKind, ParseResult } from './types';

const PACKAGE_HEADER = /^# (\S+)(?: \[([^\]]+)\])?$/;
const UNKNOWN_POSITION = /^<unknown line number>: (.*)$/;
const AT_POSITION = /^(.+?):(\d+)(?::(\d+))?$/;

// Explanation children, -m=2. Older Go writes `flow: a = &b:`, newer `flow: a ← &b:`.
const FLOW = /^ {2}flow: (.+?) (?:=|←) ([&*]*)(.*):$/;
const FROM = /^ {4}from (.*) \(([^()]*)\) at (.+)$/;

// Explanation headers: a block of children follows, and a summary usually comes later.
const ESCAPE_HEADER = /^(.+) escapes to heap(?: in (.+))?:$/;
// The target may hold braces of its own (`{storage for &node{...}}`): match it lazily up to the tail.
export const PARAM_HEADER = /^parameter (\S+) leaks to (\{.+?\}|\S+)(?: for (.+))? with derefs=(-?\d+):$/;

interface Rule {
  /** A cheap test that must pass before the regular expression runs (parsing speed). */
  quick: (message: string) => boolean;
  re: RegExp;
  kind: FindingKind;
  subject?: (m: RegExpMatchArray) => string;
  detail?: (m: RegExpMatchArray) => string;
}

// First match wins, in this order (see shared/docs/go-compiler-output.md).
const RULES: Rule[] = [
  { quick: (s) => s.startsWith('can inline '), re: /^can inline (.+?)(?: with cost (\d+) as: (.*))?$/, kind: 'can-inline', subject: (m) => m[1], detail: (m) => m[2] ?? '' },
  { quick: (s) => s.startsWith('cannot inline '), re: /^cannot inline (.+?) into (.+?): repeated recursive cycle$/, kind: 'cannot-inline', subject: (m) => m[1], detail: () => 'repeated recursive cycle' },
  { quick: (s) => s.startsWith('cannot inline '), re: /^cannot inline (.+?): (.*)$/, kind: 'cannot-inline', subject: (m) => m[1], detail: (m) => m[2] },
  { quick: (s) => s.startsWith('inlining call to '), re: /^inlining call to (.+?)(?: with score (-?\d+))?$/, kind: 'inlining-call', subject: (m) => m[1] },
  { quick: (s) => s.includes('devirtualizing '), re: /^(?:PGO |partially )?devirtualizing (.+?) to (.+)$/, kind: 'devirtualized', subject: (m) => m[1], detail: (m) => m[2] },
  { quick: (s) => s.startsWith('moved to heap: '), re: /^moved to heap: (.+)$/, kind: 'moved-to-heap', subject: (m) => m[1] },
  { quick: (s) => s.startsWith('leaking param: '), re: /^leaking param: (\S+) to result (\S+) level=(\d+)$/, kind: 'leaking-param-to-result', subject: (m) => m[1], detail: (m) => m[2] },
  { quick: (s) => s.startsWith('leaking param content: '), re: /^leaking param content: (.+)$/, kind: 'leaking-param-content', subject: (m) => m[1] },
  { quick: (s) => s.startsWith('leaking param: '), re: /^leaking param: (.+)$/, kind: 'leaking-param', subject: (m) => m[1] },
  { quick: (s) => s.endsWith(' escapes to heap'), re: /^(.+) escapes to heap$/, kind: 'escapes-to-heap', subject: (m) => m[1] },
  { quick: (s) => s.endsWith(' does not escape'), re: /^(.+) does not escape$/, kind: 'does-not-escape', subject: (m) => m[1] },
  { quick: (s) => s.includes(' capturing by '), re: /^(.+) capturing by (ref|value): (\S+) \(addr=(?:true|false) assign=(?:true|false) width=\d+\)$/, kind: 'closure-capture', subject: (m) => m[3], detail: (m) => m[2] },
  { quick: (s) => s.includes(' ignoring self-assignment in '), re: /^(.+) ignoring self-assignment in (.+)$/, kind: 'self-assignment', subject: (m) => m[2] },
  { quick: (s) => s.startsWith('assuming '), re: /^assuming (\S+) is unsafe uintptr$/, kind: 'unsafe-uintptr', subject: (m) => m[1] },
  { quick: (s) => s.startsWith('marking '), re: /^marking (\S+) as escaping (?:\.\.\.)?uintptr$/, kind: 'unsafe-uintptr', subject: (m) => m[1] },
  { quick: (s) => s.endsWith('bounds check elided'), re: /^(?:index|slice) bounds check elided$/, kind: 'bounds-check-elided' },
  { quick: (s) => s.startsWith('zero-copy '), re: /^zero-copy string->\[\]byte conversion$/, kind: 'zero-copy-conversion' },
  { quick: (s) => s.startsWith('loop variable '), re: /^loop variable (\S+) now per-iteration, (heap|stack)-allocated(?: \(loop inlined into .+\))?$/, kind: 'loop-var', subject: (m) => m[1], detail: (m) => m[2] },
  { quick: (s) => s.startsWith('function '), re: /^function (\S+) considered 'big'; reducing max cost of inlinees$/, kind: 'inline-budget', subject: (m) => m[1] },
  // -d=escapedebug=1: how an interface conversion gets its data word without calling the allocator.
  { quick: (s) => s.startsWith('convert: '), re: /^convert: (using (?:global|stack temporary) for [^:]+): (.+)$/, kind: 'no-alloc-conversion', subject: (m) => m[2], detail: (m) => m[1] },
  // Go 1.26's b.Loop pass: what it keeps alive so the benchmark body is not optimised away.
  { quick: (s) => s.endsWith(' will be kept alive'), re: /^(.+) will be kept alive$/, kind: 'kept-alive', subject: (m) => m[1] },
  { quick: (s) => s.includes('bloop'), re: /^(expr is unknown to bloop pass|unrecognized shape for assign list stmt for blank assignment)$/, kind: 'kept-alive', detail: (m) => m[1] },
  { quick: (s) => s === 'imprecise interface call', re: /^imprecise interface call$/, kind: 'imprecise-call' },
];

/** The go command's own progress lines: neither findings nor errors. */
const GO_PROGRESS = /^go: (?:downloading|finding|extracting|added|upgraded|downgraded|found) /;

// Type-checker and backend errors users hit most; used only when the exit code is not known.
const ERROR_HINT = /^(syntax error|undefined: |declared and not used|"[^"]*" imported and not used|cannot use |missing return|too many errors|invalid operation|no new variables|non-boolean|assignment mismatch|not enough arguments|too many arguments|\S+ redeclared|cannot |unknown field|expected |missing |undefined )/;

export interface ParseOptions {
  /** Whether the go command failed. Undefined when not known (parsing saved output). */
  failed?: boolean;
}

interface Position { file: string; path: string; line: number; column: number | null }

interface Block {
  /** The summary finding the block explains, once matched. */
  owner?: Finding;
  steps: ExplanationStep[];
  posKey: string;
  subject: string;
  family: 'escape' | 'param';
  /** For parameter blocks: where the flow goes (`{heap}`, `~r0`, `{storage for x}`). */
  target?: string;
  /** Stands in as a finding of its own when no summary comes. */
  header: Finding;
}

export function parseCompilerOutput(text: string, cwd: string, opts: ParseOptions = {}): ParseResult {
  const findings: Finding[] = [];
  const errors: Finding[] = [];
  const packages: string[] = [];
  const pathCache = new Map<string, string>();
  let lastFile = '';
  let lastPath = '';
  const resolve = (file: string): string => {
    if (file === lastFile) return lastPath;
    let p = pathCache.get(file);
    if (p === undefined) {
      p = file.startsWith('<') ? '' : path.resolve(cwd, file);
      pathCache.set(file, p);
    }
    lastFile = file;
    lastPath = p;
    return p;
  };

  // Explanation blocks and summary lines are matched once everything is read:
  // the summary may come before, right after, or long after its block.
  const allBlocks: Block[] = [];
  const summaries: { finding: Finding; posKey: string }[] = [];
  let block: Block | undefined;
  let pkg: string | undefined;
  let lastError: Finding | undefined;
  // Per package section: whether any -m line was recognised, and the unrecognised ones.
  let sectionRecognised = false;
  let sectionUnknown: Finding[] = [];
  const closeSection = () => {
    // A package that fails to type-check prints no -m lines at all, so a section with
    // nothing recognised (or an error we know) is a failed one.
    const failed = opts.failed !== false && (!sectionRecognised || sectionUnknown.some((f) => ERROR_HINT.test(f.message)));
    if (failed) for (const f of sectionUnknown) f.kind = 'error';
    sectionUnknown = [];
    sectionRecognised = false;
  };

  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line === '') continue;

    const header = PACKAGE_HEADER.exec(line);
    if (header) {
      closeSection();
      pkg = header[2] ? `${header[1]} [${header[2]}]` : header[1];
      packages.push(pkg);
      block = undefined;
      continue;
    }
    if (line.startsWith('\t') && lastError) {
      lastError.message += '\n' + line;
      continue;
    }

    let pos: Position;
    let message: string;
    const m = positioned(line);
    if (m) {
      pos = { file: m[1], path: resolve(m[1]), line: +m[2], column: m[3] ? +m[3] : null };
      message = m[4];
    } else {
      const u = UNKNOWN_POSITION.exec(line);
      pos = { file: u ? '<unknown line number>' : '', path: '', line: 0, column: null };
      message = u ? u[1] : line;
    }

    // An explanation child: attach to the open block.
    if (block && message.startsWith('  ')) {
      block.steps.push(step(pos, message, resolve));
      sectionRecognised = true;
      continue;
    }

    const colon = message.endsWith(':');
    const eh = colon && message.includes(' escapes to heap') ? ESCAPE_HEADER.exec(message) : null;
    const ph = colon && !eh && message.startsWith('parameter ') ? PARAM_HEADER.exec(message) : null;
    if (eh || ph) {
      sectionRecognised = true;
      const subject = eh ? eh[1] : ph![1];
      const headerFinding = newFinding(pos, eh ? 'escapes-to-heap' : 'leaking-param', message, subject, ph ? ph[2] : undefined, pkg);
      const posKey = positionKey(pos);
      block = { steps: [{ file: pos.file, path: pos.path, line: pos.line, column: pos.column, message, at: undefined, role: 'header' }], posKey, subject, family: eh ? 'escape' : 'param', target: ph ? ph[2] : undefined, header: headerFinding };
      allBlocks.push(block);
      continue;
    }
    block = undefined;

    const finding = classify(pos, message, pkg);
    if (finding.kind === 'unknown') {
      // Before any package header, a line without a position is the go command's own error
      // (no go.mod, a bad pattern): the compiler never prints such lines.
      if (pos.line > 0 || opts.failed || (pkg === undefined && !GO_PROGRESS.test(message))) sectionUnknown.push(finding);
      findings.push(finding);
      lastError = finding;
      continue;
    }
    sectionRecognised = true;
    findings.push(finding);
    if (finding.subject !== undefined && family(finding.kind)) summaries.push({ finding, posKey: positionKey(finding) });
  }
  closeSection();

  matchBlocks(allBlocks, summaries);
  // Attach blocks in the order they were printed. A block whose verdict never came
  // (go/defer wrapper closures, generic shape instantiations) is no finding: the
  // compiler decided nothing there. It is kept apart so no line is lost.
  const orphans: Finding[] = [];
  for (const b of allBlocks) {
    if (b.owner) {
      b.owner.explanation.push(...b.steps);
    } else {
      b.header.explanation = b.steps.slice(1);
      orphans.push(b.header);
    }
  }
  const absorbed = matchConversions(findings);
  // Unknown lines of a failed section were reclassified as errors: move them.
  const kept: Finding[] = [];
  for (const f of findings) {
    if (absorbed.has(f)) continue;
    (f.kind === 'error' ? errors : kept).push(f);
  }
  return { findings: kept, errors, packages, orphans };
}

/**
 * Pairs each \`convert: using global for …\` line with the \`escapes to heap\` verdict it
 * overrules: the value is boxed from static data, so nothing is allocated. The line
 * becomes a step of that finding. Constants and zero-size values are reported at the
 * conversion; single-byte values at their declaration, so those pair with the next
 * verdict on the same name in the same file.
 */
function matchConversions(findings: Finding[]): Set<Finding> {
  const absorbed = new Set<Finding>();
  const converts = findings.filter((f) => f.kind === 'no-alloc-conversion' && f.detail?.startsWith('using global'));
  if (!converts.length) return absorbed;
  const escapes = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.kind !== 'escapes-to-heap') continue;
    const k = `${f.pkg}\0${positionKey(f)}`;
    const list = escapes.get(k);
    if (list) list.push(f);
    else escapes.set(k, [f]);
  }
  const take = (c: Finding, e: Finding) => {
    e.noAlloc = c.detail;
    e.explanation.push({ file: c.file, path: c.path, line: c.line, column: c.column, message: c.message, at: undefined, role: 'convert' });
    absorbed.add(c);
  };
  for (const c of converts) {
    const e = escapes.get(`${c.pkg}\0${positionKey(c)}`)?.find((f) => f.noAlloc === undefined);
    if (e) take(c, e);
  }
  for (const c of converts) {
    if (absorbed.has(c) || !c.detail?.includes('single-byte')) continue;
    let best: Finding | undefined;
    for (const f of findings) {
      if (f.kind !== 'escapes-to-heap' || f.noAlloc !== undefined || f.pkg !== c.pkg || f.file !== c.file || f.subject !== c.subject) continue;
      if (f.line < c.line || (f.line === c.line && (f.column ?? 0) < (c.column ?? 0))) continue;
      if (!best || f.line < best.line || (f.line === best.line && (f.column ?? 0) < (best.column ?? 0))) best = f;
    }
    if (best) take(c, best);
  }
  return absorbed;
}

/** `file:line[:col]: message`, scanned by hand rather than by a backtracking regex (parse speed). */
function positioned(line: string): RegExpExecArray | null {
  for (let i = line.indexOf(': '); i > 0; i = line.indexOf(': ', i + 1)) {
    // Walk back over `:digits` once or twice.
    let j = i;
    const nums: number[] = [];
    while (nums.length < 2) {
      let k = j - 1;
      while (k >= 0 && line.charCodeAt(k) >= 48 && line.charCodeAt(k) <= 57) k--;
      if (k === j - 1 || k < 1 || line.charCodeAt(k) !== 58) break;
      nums.push(k);
      j = k;
    }
    if (!nums.length) continue;
    // With two numbers the first is the line; with one, it is the line and there is no column.
    const fileEnd = nums[nums.length - 1];
    const lineNo = line.slice(fileEnd + 1, nums.length === 2 ? nums[0] : i);
    const col = nums.length === 2 ? line.slice(nums[0] + 1, i) : undefined;
    return [line, line.slice(0, fileEnd), lineNo, col, line.slice(i + 2)] as unknown as RegExpExecArray;
  }
  return null;
}

function family(kind: FindingKind): Block['family'] | undefined {
  if (kind === 'moved-to-heap' || kind === 'escapes-to-heap') return 'escape';
  if (kind === 'leaking-param' || kind === 'leaking-param-content' || kind === 'leaking-param-to-result') return 'param';
  return undefined;
}

/**
 * Gives each block its summary: first the summary at the same position naming the same
 * subject; then, for the rest, one of the same family at the same position (the compiler
 * shortens subjects: the block says `append(ids, p.ID)`, the summary just `append`).
 */
function matchBlocks(blocks: Block[], summaries: { finding: Finding; posKey: string }[]): void {
  const byPos = new Map<string, Finding[]>();
  for (const { finding, posKey } of summaries) {
    const list = byPos.get(posKey);
    if (list) list.push(finding);
    else byPos.set(posKey, [finding]);
  }
  const owned = new Set<Finding>();
  const unmatched: Block[] = [];
  // Blocks and summaries at one position pair up in printed order, each summary once
  // (two `... argument` verdicts at one call keep their own flows).
  for (const b of blocks) {
    const here = byPos.get(b.posKey);
    b.owner = here?.find((f) => !owned.has(f) && f.subject === b.subject && family(f.kind) === b.family && sameTarget(b, f))
      ?? here?.find((f) => f.subject === b.subject && family(f.kind) === b.family && sameTarget(b, f));
    if (b.owner) owned.add(b.owner);
    else unmatched.push(b);
  }
  for (const b of unmatched) {
    const candidates = byPos.get(b.posKey)?.filter((f) => family(f.kind) === b.family);
    if (!candidates?.length) continue;
    b.owner = candidates.find((f) => !owned.has(f) && sameTarget(b, f)) ?? candidates.find((f) => sameTarget(b, f)) ?? candidates.find((f) => !owned.has(f)) ?? candidates[0];
    owned.add(b.owner);
  }
}

/**
 * A parameter's flow to a result (\`leaks to ~r0\`) explains \`leaking param: p to result ~r0\`;
 * every other flow (to the heap, to storage that reaches it) explains the heap verdict.
 */
function sameTarget(b: Block, f: Finding): boolean {
  if (b.family !== 'param') return true;
  const toResult = b.target !== undefined && /^~[rR]\d+$/.test(b.target);
  if (f.kind === 'leaking-param-to-result') return toResult && f.detail === b.target;
  return !toResult;
}

// No position and `<unknown line number>` are the same place (the compiler prints both).
function positionKey(pos: Position): string {
  return pos.line ? `${pos.file}:${pos.line}:${pos.column ?? ''}` : '?';
}

function classify(pos: Position, message: string, pkg: string | undefined): Finding {
  for (const rule of RULES) {
    if (!rule.quick(message)) continue;
    const m = rule.re.exec(message);
    if (m) {
      return newFinding(pos, rule.kind, message, rule.subject?.(m), rule.detail?.(m), pkg);
    }
  }
  return newFinding(pos, 'unknown', message, undefined, undefined, pkg);
}

// One object shape for every finding and step: spreads made V8 slow here (parse speed).
function newFinding(pos: Position, kind: FindingKind, message: string, subject: string | undefined, detail: string | undefined, pkg: string | undefined): Finding {
  return { file: pos.file, path: pos.path, line: pos.line, column: pos.column, kind, message, subject, detail, explanation: [], pkg };
}

function step(pos: Position, message: string, resolve: (f: string) => string): ExplanationStep {
  const from = message.startsWith('    from ') ? FROM.exec(message) : null;
  if (from) {
    const at = AT_POSITION.exec(from[3]);
    const where = at ? { file: at[1], path: resolve(at[1]), line: +at[2], column: at[3] ? +at[3] : null } : undefined;
    return { file: pos.file, path: pos.path, line: pos.line, column: pos.column, message, at: where, role: 'from' };
  }
  return { file: pos.file, path: pos.path, line: pos.line, column: pos.column, message, at: undefined, role: message.startsWith('  flow: ') ? 'flow' : 'other' };
}

/** The parts of a `flow:` or `from` step, for people. */
export function parseStep(message: string): { flow?: { to: string; deref: string; from: string }; from?: { expr: string; reason: string } } {
  const f = FLOW.exec(message);
  if (f) return { flow: { to: f[1], deref: f[2], from: f[3] } };
  const r = FROM.exec(message);
  if (r) return { from: { expr: r[1], reason: r[2] } };
  return {};
}
