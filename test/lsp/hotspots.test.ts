// Heap-profile overlays from the real bundled server, on a real profile written by
// the bundled example's loadgen (MemProfileRate 1), cross-checked against the
// engine's per-line numbers and `go tool pprof -lines -top` / `-list`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CodeLensRequest, InlayHintRequest, type CodeLens, type InlayHint, type MarkupContent } from 'vscode-languageserver-protocol';
import { costLabel, costPhrase } from '../../server/src/hotspots/format';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { loadResolveContext } from '../../server/src/profile/goEnv';
import type { Aggregates } from '../../server/src/profile/model';
import { linesInFile } from '../../server/src/profile/query';
import { resolveFiles } from '../../server/src/profile/sourcePaths';
import {
  AllocationsRequest, ClearProfileRequest, HeatRequest, HotspotsRequest, LoadProfileRequest, SetSampleTypeRequest,
  type LoadProfileParams, type ProfileInfo,
} from '../../server/src/protocol/lsp';
import { copyExample } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';
import { pprofTop } from '../helpers/profileFixtures';

const execFileP = promisify(execFile);
const goEnv = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };

// A second program over the same catalogue, for diffs: mode a appends a lot and
// concatenates little, mode b the other way round.
const DIFF_PROGRAM = `package main

import (
	"os"
	"runtime"
	"runtime/pprof"

	"example.com/shop/catalog"
)

func main() {
	runtime.MemProfileRate = 1
	ids, tags := 400, 20
	if os.Args[1] == "b" {
		ids, tags = 40, 2000
	}
	products := make([]catalog.Product, 100)
	for i := range products {
		products[i] = catalog.Product{ID: i, Name: "p", Tags: []string{"a", "b", "c"}}
	}
	for i := 0; i < ids; i++ {
		catalog.IDs(products)
	}
	for i := 0; i < tags; i++ {
		catalog.TagLine(products[i%100])
	}
	runtime.GC()
	f, _ := os.Create(os.Args[2])
	defer f.Close()
	pprof.Lookup("allocs").WriteTo(f, 0)
}
`;

let dir: string;
let catalogFile: string;
let catalogText: string;
let heapFile: string;
let client: LspClient;
let agg: Aggregates;
let resolved: (string | null)[];

const lineOf = (needle: string) => catalogText.split('\n').findIndex((l) => l.includes(needle));
const load = (p: LoadProfileParams) => client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), ...p });
const hints = (file = catalogFile) => client.conn.sendRequest(InlayHintRequest.type, {
  textDocument: { uri: uriOf(file) }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } },
}) as Promise<InlayHint[] | null>;
const hintAt = (hs: InlayHint[] | null, line: number) => (hs ?? []).find((h) => h.position.line === line)?.label as string | undefined;
/** Hover markdown with markdown escapes removed, so tests read the words. */
const hoverText = async (line: number, ch = 2) =>
  (((await client.hover(catalogFile, line, ch))?.contents as MarkupContent | undefined)?.value ?? '').replace(/\\([_*[\]<>|`~\\])/g, '$1');

/** Engine: 1-based line → self value per sample type, for catalog.go, summed over functions. */
function engineLines(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const l of linesInFile(agg, resolved, catalogFile)) {
    const n = agg.lines.line[l];
    const v = out.get(n) ?? agg.sampleTypes.map(() => 0);
    agg.sampleTypes.forEach((_, t) => { v[t] += agg.lines.flat[t][l]; });
    out.set(n, v);
  }
  return out;
}

before(async () => {
  dir = copyExample();
  catalogFile = path.join(dir, 'catalog', 'catalog.go');
  catalogText = fs.readFileSync(catalogFile, 'utf8');
  heapFile = path.join(dir, 'heap.pb.gz');
  fs.mkdirSync(path.join(dir, 'cmd', 'difftest'));
  fs.writeFileSync(path.join(dir, 'cmd', 'difftest', 'main.go'), DIFF_PROGRAM);
  await execFileP('go', ['build', '-o', path.join(dir, 'bin') + path.sep, './cmd/...'], { cwd: dir, env: goEnv });
  await Promise.all([
    execFileP(path.join(dir, 'bin', 'loadgen'), ['-o', heapFile, '-rate', '1'], { cwd: dir }),
    execFileP(path.join(dir, 'bin', 'difftest'), ['a', path.join(dir, 'a.pb.gz')], { cwd: dir }),
    execFileP(path.join(dir, 'bin', 'difftest'), ['b', path.join(dir, 'b.pb.gz')], { cwd: dir }),
  ]);
  agg = aggregate(decodeProfile(fs.readFileSync(heapFile)));
  resolved = resolveFiles(agg, await loadResolveContext(dir));
  client = await LspClient.start({ root: dir, settings: { heaplens: { kinds: ['moved-to-heap', 'escapes-to-heap'] } } });
  const analysed = client.nextDiagnostics(catalogFile, (d) => d.length > 0);
  await client.open(catalogFile);
  await analysed;
});
after(async () => { if (process.env.HL_DEBUG) console.log(client.serverStderr, client.logs.join("\n")); await client?.stop(); });

test('loading the profile reports its sample types and the source files it found', async () => {
  const info: ProfileInfo = await load({ path: heapFile });
  assert.deepEqual(info.sampleTypes, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  assert.equal(info.sampleType, 'alloc_space', 'allocs profiles default to alloc_space');
  assert.ok(info.resolvedFiles >= 2, JSON.stringify(info));
  assert.equal(info.source, 'heap.pb.gz');
});

test('each allocating line gets the engine\'s value, for every sample type, and pprof agrees', async () => {
  const expected = engineLines();
  assert.ok(expected.size >= 5, 'the example allocates on several lines');
  for (const [t, type] of agg.sampleTypes.entries()) {
    await client.conn.sendRequest(SetSampleTypeRequest.type, { folderUri: uriOf(dir), sampleType: type.type });
    const hs = await hints();
    // pprof -lines -top: flat per (function, file:line); summed per line of catalog.go.
    const top = await pprofTop(heapFile, type.type, type.unit, ['-lines']);
    const pprofByLine = new Map<number, number>();
    for (const r of top.rows) {
      const m = /catalog\.go:(\d+)$/.exec(r.name);
      if (m) pprofByLine.set(Number(m[1]), (pprofByLine.get(Number(m[1])) ?? 0) + r.flat);
    }
    for (const [line, values] of expected) {
      const v = values[t];
      assert.equal(pprofByLine.get(line) ?? 0, v, `${type.type} line ${line}: engine ${v}, pprof ${pprofByLine.get(line)}`);
      const label = hintAt(hs, line - 1);
      if (v === 0) {
        assert.ok(label === undefined || label.startsWith('calls: '), `${type.type} line ${line}: ${label}`);
        continue;
      }
      assert.equal(label, costLabel(v, agg.totals[t], type, false), `${type.type} line ${line}`);
    }
    for (const h of hs ?? []) {
      assert.equal(h.kind, undefined);
      assert.equal(h.paddingLeft, true);
      assert.equal(h.position.character, catalogText.split('\n')[h.position.line].length, 'at the end of the line');
    }
  }
  await client.conn.sendRequest(SetSampleTypeRequest.type, { folderUri: uriOf(dir), sampleType: 'alloc_space' });
  const hs = await hints();
  assert.match(hintAt(hs, lineOf('ids = append(ids, p.ID)'))!, /^\d+(\.\d+)? MiB · \d+(\.\d)?% alloc_space$/);
});

test('go tool pprof -list agrees on one function, line by line', async () => {
  const { stdout } = await execFileP('go', ['tool', 'pprof', '-list', 'catalog.IDs$', '-sample_index=alloc_space', '-unit=B', heapFile], { env: goEnv });
  const listed = new Map<number, number>();
  for (const m of stdout.matchAll(/^\s*(\S+)\s+\S+\s+(\d+):/gm)) if (m[1] !== '.') listed.set(Number(m[2]), Number(m[1].replace(/B$/, '')));
  assert.ok(listed.size > 0, stdout);
  const hs = await hints();
  const t = agg.sampleTypes.findIndex((s) => s.type === 'alloc_space');
  for (const [line, v] of listed) assert.equal(hintAt(hs, line - 1), costLabel(v, agg.totals[t], agg.sampleTypes[t], false));
});

test('heat marks are scaled to the hottest line and sit on the allocating lines', async () => {
  const heat = await client.conn.sendRequest(HeatRequest.type, { uri: uriOf(catalogFile) });
  assert.equal(heat.sampleType, 'alloc_space');
  const expected = [...engineLines()].filter(([, v]) => v[1] !== 0).map(([l]) => l - 1).sort((a, b) => a - b);
  assert.deepEqual(heat.lines.map((l) => l.line), expected);
  const hottest = heat.lines.reduce((a, b) => (a.heat > b.heat ? a : b));
  assert.equal(hottest.heat, 1);
  assert.equal(hottest.line, lineOf('index[products[i].Name] = &products[i]'));
  assert.ok(heat.lines.every((l) => l.heat > 0 && l.heat <= 1));
});

test('hot escapes carry the measured cost in diagnostics and lead the ranked list in cost order', async () => {
  const t = agg.sampleTypes.findIndex((s) => s.type === 'alloc_space');
  const appendLine = lineOf('ids = append(ids, p.ID)');
  const v = engineLines().get(appendLine + 1)![t];
  const diags = client.latest.get(catalogFile) ?? [];
  const onAppend = diags.find((d) => d.range.start.line === appendLine);
  assert.ok(onAppend, JSON.stringify(diags));
  assert.equal(onAppend.message.endsWith(` — ${costPhrase(v, agg.totals[t], agg.sampleTypes[t], false)}`), true, onAppend.message);
  assert.match(onAppend.message, /^append's new array escapes to the heap \(allocates\).* — [\d.]+ MiB alloc_space \(\d+(\.\d)?%\)$/);
  // Escapes on lines the profile never saw allocate keep their plain message.
  const cold = diags.find((d) => d.range.start.line === lineOf('s := Summary{}'));
  assert.ok(cold && !cold.message.includes(' — '), JSON.stringify(cold));

  const items = await client.conn.sendRequest(HotspotsRequest.type, { folderUri: uriOf(dir) });
  const values = items.map((i) => Math.abs(i.value));
  assert.deepEqual(values, [...values].sort((a, b) => b - a), 'ordered by cost');
  const escapes = items.filter((i) => i.escape && i.uri === uriOf(catalogFile));
  assert.ok(escapes.length >= 3, JSON.stringify(items));
  // Expected: every line holding a heap-escape diagnostic that the profile saw allocate, by the engine's value.
  const escapeLines = new Set(diags.filter((d) => d.code === 'moved-to-heap' || d.code === 'escapes-to-heap').map((d) => d.range.start.line));
  const expected = [...engineLines()].filter(([l, vs]) => escapeLines.has(l - 1) && vs[t] !== 0)
    .sort((a, b) => b[1][t] - a[1][t] || a[0] - b[0]).map(([l]) => l - 1);
  assert.deepEqual(escapes.map((e) => e.line), expected);
  assert.equal(escapes[0].line, lineOf('return make([]byte, size)'), 'the 64 KiB request body is the costliest escape');
  const onAppendItem = escapes.find((e) => e.line === appendLine)!;
  assert.equal(onAppendItem.value, v);
  assert.match(onAppendItem.reason, /^append's new array escapes to the heap/);
  for (const e of escapes) assert.equal(e.value, engineLines().get(e.line + 1)![t], `line ${e.line + 1}`);
});

test('the Allocations view\'s request carries the measured cost of each allocation the profile saw', async () => {
  const t = agg.sampleTypes.findIndex((s) => s.type === 'alloc_space');
  const appendLine = lineOf('ids = append(ids, p.ID)');
  const v = engineLines().get(appendLine + 1)![t];
  const { items } = await client.conn.sendRequest(AllocationsRequest.type, {});
  const mine = items.filter((i) => i.uri === uriOf(catalogFile));
  const onAppend = mine.find((i) => i.range.start.line === appendLine);
  assert.ok(onAppend, JSON.stringify(mine));
  assert.equal(onAppend.function, 'IDs');
  assert.equal(onAppend.package, 'example.com/shop/catalog');
  assert.equal(onAppend.value, v);
  assert.equal(onAppend.cost, costPhrase(v, agg.totals[t], agg.sampleTypes[t], false));
  const unseen = mine.find((i) => i.range.start.line === lineOf('s := Summary{}'));
  assert.ok(unseen && unseen.cost === undefined && unseen.value === undefined, JSON.stringify(unseen));
  assert.equal(mine.length, (client.latest.get(catalogFile) ?? []).filter((d) => d.code === 'moved-to-heap' || d.code === 'escapes-to-heap').length);
});

test('allocating lines without an escape finding say what the runtime did', async () => {
  const items = await client.conn.sendRequest(HotspotsRequest.type, { folderUri: uriOf(dir) });
  const mapLine = items.find((i) => i.uri === uriOf(catalogFile) && i.line === lineOf('index[products[i].Name] = &products[i]'));
  assert.ok(mapLine, JSON.stringify(items));
  assert.equal(mapLine.escape, false);
  assert.equal(mapLine.reason, 'map assignment grew the map (runtime.mapassign)');
  assert.equal(items[0], items.find((i) => i.value === Math.max(...items.map((x) => x.value))));
});

test('hover shows every sample type, clickable call paths and allocation sizes', async () => {
  const line = lineOf('ids = append(ids, p.ID)');
  const md = await hoverText(line, 4);
  for (const ty of ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']) assert.match(md, new RegExp(`\\| (\\*\\*)?${ty}`));
  assert.match(md, /\*\*HeapLens\*\* · heap profile heap\.pb\.gz/);
  const mainGo = path.join(dir, 'cmd', 'loadgen', 'main.go');
  const callLine = fs.readFileSync(mainGo, 'utf8').split('\n').findIndex((l) => l.includes('catalog.IDs(products)')) + 1;
  assert.ok(md.includes(`](${uriOf(mainGo)}#L${callLine})`), md);
  assert.ok(md.includes(`](${uriOf(catalogFile)}#L${line + 1})`), md);
  assert.match(md, /Allocation sizes: \d+ (B|KiB) × \d+/);
  const mapMd = await hoverText(lineOf('index[products[i].Name] = &products[i]'));
  assert.match(mapMd, /Allocates: map assignment grew the map \(runtime\.mapassign\)/);
});

test('each function that allocates has a code lens with flat and cum', async () => {
  const lenses = (await client.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri: uriOf(catalogFile) } })) as CodeLens[];
  const ids = lenses.find((l) => l.range.start.line === lineOf('func IDs('));
  assert.ok(ids, JSON.stringify(lenses));
  assert.match(ids.command!.title, /^alloc_space: flat [\d.]+ MiB \([\d.]+%\) · cum [\d.]+ MiB \([\d.]+%\)$/);
  assert.equal(ids.command!.command, 'heaplens.showHotspots');
});

test('annotations follow lines inserted above them and leave a changed line', async () => {
  const appendLine = lineOf('ids = append(ids, p.ID)');
  const tagLine = lineOf('line += t + ","');
  const before = await hints();
  const appendLabel = hintAt(before, appendLine)!;
  const tagLabel = hintAt(before, tagLine)!;
  assert.ok(appendLabel && tagLabel);
  const lines = catalogText.split('\n');
  const at = lineOf('// IDs grows a slice');
  const edited = [...lines.slice(0, at), '// one', '// two', '// three', ...lines.slice(at)];
  const tagNow = tagLine + 3;
  edited[tagNow] = edited[tagNow].replace('t + ","', 't + ";"');
  await client.change(catalogFile, edited.join('\n'));
  const after = await hints();
  assert.equal(hintAt(after, appendLine + 3), appendLabel, 'moved down with its line');
  assert.equal(hintAt(after, appendLine), undefined);
  assert.equal(hintAt(after, tagNow), undefined, 'a changed line loses its annotation');
  const heat = await client.conn.sendRequest(HeatRequest.type, { uri: uriOf(catalogFile) });
  assert.ok(heat.lines.some((l) => l.line === appendLine + 3) && !heat.lines.some((l) => l.line === tagNow));
  assert.match(await hoverText(appendLine + 3, 4), /edited after the profile/);
  await client.change(catalogFile, catalogText);
  assert.equal(hintAt(await hints(), appendLine), appendLabel, 'back up when the lines above are deleted');
});

test('a profile older than the file says so in the hover', async () => {
  const old = new Date(Date.now() - 3600_000);
  fs.utimesSync(heapFile, old, old);
  await load({ path: heapFile });
  assert.match(await hoverText(lineOf('ids = append(ids, p.ID)'), 4), /is older than this file/);
});

test('with a base profile, lines show growth (+) and shrinkage (−)', async () => {
  const info = await load({ path: path.join(dir, 'b.pb.gz'), base: { path: path.join(dir, 'a.pb.gz') } });
  assert.equal(info.baseSource, 'a.pb.gz');
  const hs = await hints();
  assert.match(hintAt(hs, lineOf('ids = append(ids, p.ID)'))!, /^\u2212[\d.]+ (KiB|MiB) alloc_space vs base$/);
  assert.match(hintAt(hs, lineOf('line += t + ","'))!, /^\+[\d.]+ (KiB|MiB) alloc_space vs base$/);
  const md = await hoverText(lineOf('line += t + ","'));
  assert.match(md, /diff against base/);
  assert.match(md, /\| \*\*alloc_space\*\* \| \+/);
});

test('a truncated profile is refused with a clear error and the server keeps serving', async () => {
  const bytes = fs.readFileSync(heapFile);
  const cut = path.join(os.tmpdir(), `heaplens-truncated-${process.pid}.pb.gz`);
  fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(load({ path: cut }), (e: Error) => {
    assert.match(e.message, /truncated|unexpected end|incomplete/i);
    assert.ok(!e.message.includes('\n'));
    return true;
  });
  fs.rmSync(cut);
  await assert.rejects(load({ path: path.join(dir, 'missing.pb.gz') }), /no such profile/);
  // The last good profile (the diff) and its hover are still there.
  assert.match(await hoverText(lineOf('ids = append(ids, p.ID)'), 4), /heap profile b\.pb\.gz \(diff against base\)/);
  assert.ok(hintAt(await hints(), lineOf('line += t + ","')));
});

test('clearing the profile removes the annotations and the costs from diagnostics', async () => {
  const plain = client.nextDiagnostics(catalogFile, (d) => d.length > 0 && d.every((x) => !x.message.includes(' — ')));
  await client.conn.sendRequest(ClearProfileRequest.type, { folderUri: uriOf(dir) });
  await plain;
  assert.deepEqual(await hints(), []);
  assert.doesNotMatch(await hoverText(lineOf('ids = append(ids, p.ID)'), 4), /heap profile/);
});
