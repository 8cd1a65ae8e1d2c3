// What is shown by default, decided on lines of real modules (chi, gin, zap, cobra): the
// underline covers the expression the compiler means, cold paths are set apart.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classifyFinding, type SourceLines } from '../../server/src/escape/signal';
import type { Finding } from '../../server/src/escape/types';
import { expressionRange } from '../../server/src/lsp/placement';

/** The text underlined for a finding at `col` (1-based bytes) of the first line of `src`. */
function underline(src: string, col: number, subject: string): string {
  const lines = src.split('\n');
  const r = expressionRange((l) => lines[l - 1], 1, col, subject);
  const first = lines[0];
  return r.start.line === r.end.line ? first.slice(r.start.character, r.end.character) : first.slice(r.start.character) + '…';
}
const at = (line: string, needle: string, offset = 0) => Buffer.byteLength(line.slice(0, line.indexOf(needle) + offset)) + 1;

test('the whole expression is underlined, wherever the compiler points in it', () => {
  const cases: [string, string, number, string, string][] = [
    // [line, needle, offset into needle, compiler subject, expected underline]
    ['\tallowedContentTypes := make(map[string]struct{}, len(contentTypes))', 'make(', 4, 'make(map[string]struct {}, len(contentTypes))', 'make(map[string]struct{}, len(contentTypes))'],
    ['\t\treturn &flushWriter{bw}', '&', 0, '&flushWriter{...}', '&flushWriter{bw}'],
    ['\tpath = fmt.Sprintf("%s?%s", path, r.URL.RawQuery)', '.RawQuery', 0, 'r.URL.RawQuery', 'r.URL.RawQuery'],
    ['\tc.Header("WWW-Authenticate", "Basic realm="+strconv.Quote(realm))', '+', 0, '"Basic realm=" + ~r0', '"Basic realm="+strconv.Quote(realm)'],
    ['\t\trPath = prefix + "/" + req.URL.Path', '+ req', 0, 'prefix + "/" + req.URL.Path', 'prefix + "/" + req.URL.Path'],
    ['func (m *MapObjectEncoder) AddByteString(k string, v []byte) { m.fields[k] = string(v) }', 'string(v)', 7, 'string(v)', 'string(v)'],
    ['\t\t"a": {"3.14"},', '{', 0, '[]string{...}', '{"3.14"}'],
    ['\tmux := &Mux{tree: &node{}, pool: &sync.Pool{}}', '&node', 0, '&node{}', '&node{}'],
    ['\treturn Chain(middlewares...).HandlerFunc(fn).ServeHTTP', '.ServeHTTP', 0, '(~r0).ServeHTTP', 'Chain(middlewares...).HandlerFunc(fn).ServeHTTP'],
    ['\tb64 := fmt.Sprintf("%s/%s", hostname, b64[0:10])', '[0:10]', 0, 'b64[0:10]', 'b64[0:10]'],
    // cobra's completions.go: the line closes a raw string opened lines above.
    ['`, c.Root().Name()),', '.Name', 0, '(*Command).Name(~r0)', 'c.Root().Name'],
    ['\t\t\t\tflagUsages += "-" + f.Shorthand + ","', '+ ","', 0, '"-" + f.Shorthand + ","', '"-" + f.Shorthand + ","'],
  ];
  for (const [line, needle, offset, subject, want] of cases) assert.equal(underline(line, at(line, needle, offset), subject), want, line);
  // A closure is underlined up to the end of its first line; a call spanning lines likewise.
  const closure = 'return func(next http.Handler) http.Handler {\n\treturn next\n}';
  assert.equal(underline(closure, 8, 'func literal'), 'func(next http.Handler) http.Handler {');
  assert.equal(underline('\tsink = "ünï" + s', at('\tsink = "ünï" + s', '+'), '"ünï" + s'), '"ünï" + s', 'UTF-16 columns after multi-byte text');
});

function finding(path: string, line: number, col: number, subject: string, kind: Finding['kind'] = 'escapes-to-heap'): Finding {
  return { file: path, path, line, column: col, kind, message: `${subject} escapes to heap`, subject, explanation: [] };
}
const source = (files: Record<string, string>): SourceLines => (file, l) => files[file]?.split('\n')[l - 1];

test('cold paths: error values, panics and fatal logs, test messages, tests outside a benchmark loop', () => {
  const tree = [
    'func patParamKeys(pattern string) []string {',
    '\t\t\t\tpanic(fmt.Sprintf("chi: routing pattern \'%s\' contains duplicate param key, \'%s\'", pattern, paramKey))',
    '\t\treturn nil, fmt.Errorf("invalid %q: %w", name,',
    '\t\t\terr)',
    '\tparamKeys = append(paramKeys, paramKey)',
    '\t\tlog.Fatalf("listen: %v", err)',
  ].join('\n');
  const test = [
    'func TestRoute(t *testing.T) {',
    '\tr := NewRouter()',
    '\t\tt.Fatalf("got %v", r)',
    '}',
    'func BenchmarkRoute(b *testing.B) {',
    '\tr := NewRouter()',
    '\tfor b.Loop() {',
    '\t\tr.ServeHTTP(w, req)',
    '\t}',
    '\tfor i := 0; i < b.N; i++ { r.Find("/x") }',
    '}',
  ].join('\n');
  const lines = source({ '/m/tree.go': tree, '/m/tree_test.go': test });
  const col = (file: string, l: number, needle: string) => at((file === '/m/tree.go' ? tree : test).split('\n')[l - 1], needle);
  const cold = (f: Finding) => classifyFinding(f, lines).cold ?? 'hot';
  assert.equal(cold(finding('/m/tree.go', 2, col('/m/tree.go', 2, 'pattern, '), 'pattern')), 'panic');
  assert.equal(cold(finding('/m/tree.go', 2, col('/m/tree.go', 2, '("chi'), 'fmt.Sprintf(...)')), 'panic');
  assert.equal(cold(finding('/m/tree.go', 4, col('/m/tree.go', 4, 'err'), 'err')), 'error', 'arguments on the next line of the call');
  assert.equal(cold(finding('/m/tree.go', 5, col('/m/tree.go', 5, '(paramKeys'), 'append')), 'hot');
  assert.equal(cold(finding('/m/tree.go', 6, col('/m/tree.go', 6, 'err'), 'err')), 'panic');
  assert.equal(cold(finding('/m/tree_test.go', 2, col('/m/tree_test.go', 2, '()'), '&Mux{...}')), 'test');
  assert.equal(cold(finding('/m/tree_test.go', 3, col('/m/tree_test.go', 3, 'r)'), 'r')), 'test-failure');
  assert.equal(cold(finding('/m/tree_test.go', 6, col('/m/tree_test.go', 6, '()'), '&Mux{...}')), 'test', 'benchmark setup');
  assert.equal(cold(finding('/m/tree_test.go', 8, col('/m/tree_test.go', 8, '(w'), 'w')), 'hot', 'inside for b.Loop()');
  assert.equal(cold(finding('/m/tree_test.go', 10, col('/m/tree_test.go', 10, '("/x")'), '"/x"')), 'hot', 'inside a b.N loop on one line');
  // Not an allocation: no signal at all.
  const boxed = { ...finding('/m/tree.go', 2, 5, '"chi"'), noAlloc: 'using global for interface value' };
  assert.deepEqual(classifyFinding(boxed, lines), { allocates: false });
});
