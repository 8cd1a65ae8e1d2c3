// What the quick-fix tests and the quick-fix benchmark share: the Go fixtures
// (test/fixtures/quickfix, copied to a temp dir), asking the real server for a
// finding's code actions, applying a WorkspaceEdit to the files on disk, and
// reading `go test -bench -benchmem` results.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeActionRequest, type CodeAction, type Command, type Diagnostic } from 'vscode-languageserver-protocol';
import { applyEdits } from '../../server/src/fixes/index';
import { go, repoRoot } from './goFixture';
import { uriOf, type LspClient } from './lspClient';

export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'quickfix');

export interface QuickFixCase {
  /** Fixture directory under test/fixtures/quickfix. */
  name: string;
  /** The catalogue entry it proves. */
  fix: string;
  file: string;
  /** Text on the line of the diagnostic to fix, and its code (the finding kind). */
  line: string;
  code: string;
  /** Which offered action to apply. */
  pick: RegExp;
  /** The compiler's words for the finding, which must not be there after the fix... */
  gone?: string;
  /** ...or, when the allocation moves rather than vanishes, what the compiler says instead. */
  changed?: { from: string; to: string };
  /** The benchmark unit that must go down. */
  metric: 'allocs/op' | 'retained-B/op';
}

export const CASES: QuickFixCase[] = [
  { name: 'prealloc', fix: '1. preallocate slice capacity', file: 'orders.go', line: 'ids = append(ids, o.ID)', code: 'escapes-to-heap', pick: /^Preallocate ids/, changed: { from: 'orders.go:17:15: append escapes to heap', to: 'orders.go:14:13: make([]int, 0, len(orders)) escapes to heap' }, metric: 'allocs/op' },
  { name: 'mapsize', fix: '2. map size hint', file: 'index.go', line: 'index := make(map[string]int)', code: 'escapes-to-heap', pick: /^Size index/, gone: 'make(map[string]int) escapes to heap', metric: 'allocs/op' },
  { name: 'builder', fix: '3. strings.Builder for += in a loop', file: 'csv.go', line: 'out += f + ","', code: 'escapes-to-heap', pick: /strings\.Builder/, gone: 'f + "," escapes to heap', metric: 'allocs/op' },
  { name: 'strconv', fix: '4. strconv instead of fmt.Sprintf', file: 'label.go', line: 'fmt.Sprintf("%d", t.Number)', code: 'escapes-to-heap', pick: /strconv\.Itoa/, gone: 't.Number escapes to heap', metric: 'allocs/op' },
  { name: 'loopvar', fix: '5. goroutine closure capturing a loop variable (go 1.21)', file: 'notify.go', line: 'for _, p := range products', code: 'moved-to-heap', pick: /^Copy p per iteration/, gone: 'moved to heap: p', metric: 'allocs/op' },
  { name: 'byvalue', fix: '6. small struct returned by value', file: 'stats.go', line: 's := Stats{}', code: 'moved-to-heap', pick: /^Return Stats by value/, gone: 'moved to heap: s', metric: 'allocs/op' },
  { name: 'pool', fix: '7. sync.Pool for a per-call bytes.Buffer', file: 'render.go', line: 'var buf bytes.Buffer', code: 'moved-to-heap', pick: /sync\.Pool/, gone: 'moved to heap: buf', metric: 'allocs/op' },
  { name: 'poolptr', fix: '10. sync.Pool holding a pointer, not a slice', file: 'enc.go', line: 'bufPool.Put(b)', code: 'escapes-to-heap', pick: /^Keep a pointer in bufPool/, gone: 'b escapes to heap', metric: 'allocs/op' },
  { name: 'clone', fix: '8. copy a kept sub-slice', file: 'header.go', line: 'func Remember(msg []byte)', code: 'leaking-param', pick: /^Copy msg\[:16\]/, gone: 'leaking param: msg', metric: 'retained-B/op' },
];

/** Copies every fixture under one fresh temp dir; returns that dir. */
export function copyFixtures(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-quickfix-'));
  fs.cpSync(fixturesDir, dir, { recursive: true });
  return dir;
}

export const lineIndex = (text: string, snippet: string): number => {
  const i = text.split('\n').findIndex((l) => l.includes(snippet));
  if (i < 0) throw new Error(`no line containing ${JSON.stringify(snippet)}`);
  return i;
};

/** The published diagnostic with `code` on the line holding `snippet`. */
export function diagnosticAt(diags: Diagnostic[], text: string, snippet: string, code: string, message?: RegExp): Diagnostic {
  const lines = new Set(text.split('\n').flatMap((l, i) => (l.includes(snippet) ? [i] : [])));
  const d = diags.find((x) => lines.has(x.range.start.line) && x.code === code && (!message || message.test(x.message)));
  if (!d) throw new Error(`no ${code} diagnostic on a line with ${snippet}; have ${JSON.stringify(diags.map((x) => [x.range.start.line, x.code, x.message.slice(0, 50)]))}`);
  return d;
}

export function codeActions(client: LspClient, file: string, d: Diagnostic): Promise<(CodeAction | Command)[]> {
  return client.conn.sendRequest(CodeActionRequest.type, {
    textDocument: { uri: uriOf(file) },
    range: d.range,
    context: { diagnostics: [d], only: ['quickfix'] },
  }).then((r) => r ?? []);
}

/** Writes a code action's edit to disk; returns the new text of every file it touched. */
export function applyToDisk(action: CodeAction): Map<string, string> {
  const out = new Map<string, string>();
  for (const [uri, edits] of Object.entries(action.edit?.changes ?? {})) {
    const file = fileURLToPath(uri);
    const text = applyEdits(fs.readFileSync(file, 'utf8'), edits);
    fs.writeFileSync(file, text);
    out.set(file, text);
  }
  return out;
}

export type BenchResult = Record<string, number>;

/**
 * Runs the package's (one) benchmark with a fixed iteration count; unit -> value,
 * the median over `count` runs.
 */
export function bench(dir: string, benchtime = '2000x', count = 1): BenchResult {
  const r = go(dir, ['test', '-run', '^$', '-bench', '.', '-benchmem', `-benchtime=${benchtime}`, `-count=${count}`, '.']);
  if (r.code !== 0) throw new Error(`go test -bench failed in ${dir}:\n${r.stdout}${r.stderr}`);
  const runs = r.stdout.split('\n').filter((l) => l.startsWith('Benchmark'));
  if (!runs.length) throw new Error(`no benchmark output in ${dir}:\n${r.stdout}`);
  const values: Record<string, number[]> = {};
  for (const line of runs) {
    const tokens = line.trim().split(/\s+/).slice(2);
    for (let i = 0; i + 1 < tokens.length; i += 2) (values[tokens[i + 1]] ??= []).push(Number(tokens[i]));
  }
  const out: BenchResult = {};
  for (const [unit, xs] of Object.entries(values)) out[unit] = [...xs].sort((x, y) => x - y)[xs.length >> 1];
  return out;
}

/** `go build`, `go vet`, `gofmt -l` and the module's tests; the first failure, or undefined. */
export function verify(dir: string): string | undefined {
  for (const args of [['build', './...'], ['vet', './...'], ['test', '-count=1', './...']]) {
    const r = go(dir, args);
    if (r.code !== 0) return `go ${args.join(' ')} failed:\n${r.stdout}${r.stderr}`;
  }
  const fmt = spawnSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' });
  if (fmt.status !== 0) return `gofmt -l failed: ${fmt.stderr}`;
  if (fmt.stdout.trim()) return `gofmt -l lists files that are not gofmt-clean: ${fmt.stdout.trim()}`;
  return undefined;
}
