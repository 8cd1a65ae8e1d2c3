// The check's report as SARIF 2.1.0, for GitHub code scanning: one rule per check,
// one result per problem, the compiler's flow as a codeFlow. Pure.
import type { CheckReport, Problem, RuleId } from './model';

const RULES: Record<RuleId, { name: string; short: string; help: string }> = {
  'new-heap-allocation': { name: 'NewHeapAllocation', short: 'A heap allocation that the base revision did not have', help: 'The Go compiler\'s escape analysis (go build -gcflags=-m=2) puts this value on the heap, and it did not at the base revision. Keep it on the stack, or accept it by updating the baseline.' },
  noalloc: { name: 'NoAlloc', short: 'A //heaplens:noalloc function or line allocates', help: 'Nothing in a function or line marked //heaplens:noalloc may escape to the heap, including the bodies of calls the compiler inlines into it.' },
  inline: { name: 'Inline', short: 'A function or call asserted inlinable is not inlined', help: 'The compiler must be able to inline a function marked //heaplens:inline or //gcassert:inline, and a call on a line marked //gcassert:inline must be inlined.' },
  noescape: { name: 'NoEscape', short: 'A //gcassert:noescape value escapes', help: 'A variable or parameter marked //gcassert:noescape escapes to the heap or leaks.' },
  bce: { name: 'BoundsCheck', short: 'A //gcassert:bce line keeps a bounds check', help: 'The compiler could not prove the index or slice on a line marked //gcassert:bce in bounds.' },
  directive: { name: 'UnknownDirective', short: 'A heaplens or gcassert directive that does not exist', help: 'The comment looks like an assertion but names no known directive, so nothing is checked.' },
};

const RULE_IDS = Object.keys(RULES) as RuleId[];

/** `prefix`: the module's directory within the repository, so paths are repository-relative as code scanning wants. */
export function formatSarif(r: CheckReport, version: string, prefix = ''): string {
  const loc = (rel: string, line: number, column: number | null, message?: string) => ({
    physicalLocation: {
      artifactLocation: { uri: (prefix ? `${prefix}/${rel}` : rel).split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' },
      region: { startLine: Math.max(1, line), ...(column ? { startColumn: column } : {}) },
    },
    ...(message ? { message: { text: message } } : {}),
  });
  const result = (p: Problem) => ({
    ruleId: p.rule,
    ruleIndex: RULE_IDS.indexOf(p.rule),
    level: p.cold ? 'note' : 'error',
    message: { text: p.reason ? `${p.message}: ${p.reason}` : p.message },
    locations: [{ ...loc(p.rel, p.line, p.column), ...(p.func ? { logicalLocations: [{ name: p.func, kind: 'function' }] } : {}) }],
    partialFingerprints: { 'heaplens/v1': p.key },
    ...(p.flow.length ? {
      codeFlows: [{
        message: { text: 'how the value reaches the heap, as the compiler explains it' },
        threadFlows: [{ locations: p.flow.map((s, i) => ({ location: loc(s.rel, s.line, s.column, s.text), executionOrder: i + 1 })) }],
      }],
    } : {}),
    ...(p.profileShare === undefined ? {} : { properties: { profileShare: p.profileShare } }),
  });
  const log = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'heaplens',
          version,
          rules: RULE_IDS.map((id) => ({
            id, name: RULES[id].name, shortDescription: { text: RULES[id].short }, fullDescription: { text: RULES[id].help },
            help: { text: RULES[id].help }, defaultConfiguration: { level: 'error' },
          })),
        },
      },
      results: r.problems.map(result),
      ...(r.notes.length ? { invocations: [{ executionSuccessful: true, toolExecutionNotifications: r.notes.map((n) => ({ level: 'note', message: { text: n } })) }] } : {}),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}
