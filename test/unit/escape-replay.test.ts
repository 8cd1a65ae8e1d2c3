// A warm build's replayed output is recognised byte for byte as it streams in, and is
// then neither parsed nor decoded again; any difference (a byte, a length, the exit
// status) gives a fresh parse. The last test runs the real `go` twice on a real package.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { OutputCache, type Parse } from '../../server/src/escape/replay';
import { runEscapeAnalysis } from '../../server/src/escape/run';
import type { ParseResult } from '../../server/src/escape/types';
import { writeGoModule } from '../helpers/goFixture';

const OUTPUT = Buffer.from('# example.com/p\n./p.go:3:6: can inline F\n./p.go:4:9: &T{} escapes to heap\n'.repeat(500));

function counting(): { parse: Parse; texts: string[] } {
  const texts: string[] = [];
  return { texts, parse: (text) => { texts.push(text); return { findings: [], errors: [], packages: [text.length.toString()], orphans: [] } as ParseResult; } };
}

/** Feeds `bytes` to a reader in chunks of `size`. */
function run(cache: OutputCache, bytes: Buffer, size: number, parse: Parse, failed = false, command = 'go build p') {
  const r = cache.reader(command);
  for (let i = 0; i < bytes.length; i += size) r.push(bytes.subarray(i, i + size));
  return r.finish(failed, parse);
}

test('the same output, chunked differently, is recognised without a parse', () => {
  const cache = new OutputCache();
  const { parse, texts } = counting();
  const first = run(cache, OUTPUT, 4096, parse);
  const again = run(cache, OUTPUT, 777, parse);
  const once = run(cache, OUTPUT, OUTPUT.length, parse);
  assert.equal(texts.length, 1);
  assert.equal(texts[0], OUTPUT.toString());
  assert.equal(again.id, first.id);
  assert.equal(once.id, first.id);
  assert.equal(again.result, first.result);
  assert.equal(again.text(), OUTPUT.toString());
});

test('one changed byte, a shorter or a longer output, or another exit status is parsed afresh', () => {
  const cache = new OutputCache();
  const { parse, texts } = counting();
  const base = run(cache, OUTPUT, 1000, parse);
  const changed = Buffer.from(OUTPUT);
  changed[OUTPUT.length - 5] = 0x58;
  const c = run(cache, changed, 1000, parse);
  assert.notEqual(c.id, base.id);
  assert.equal(texts.at(-1), changed.toString());
  const shorter = run(cache, changed.subarray(0, 12_345), 1000, parse);
  assert.equal(texts.at(-1), changed.subarray(0, 12_345).toString());
  assert.notEqual(shorter.id, c.id);
  const longer = run(cache, Buffer.concat([changed.subarray(0, 12_345), Buffer.from('extra\n')]), 1000, parse);
  assert.equal(texts.at(-1), `${changed.subarray(0, 12_345).toString()}extra\n`);
  const failed = run(cache, Buffer.concat([changed.subarray(0, 12_345), Buffer.from('extra\n')]), 1000, parse, true);
  assert.notEqual(failed.id, longer.id);
  assert.equal(texts.length, 5);
  const empty = run(cache, Buffer.alloc(0), 1, parse);
  assert.equal(texts.at(-1), '');
  assert.equal(run(cache, Buffer.alloc(0), 1, parse).id, empty.id);
});

test('commands are kept apart, the oldest is dropped past the limit, and a replaced entry is not trusted', () => {
  const cache = new OutputCache(2);
  const { parse, texts } = counting();
  const a = run(cache, OUTPUT, 1000, parse, false, 'a');
  run(cache, OUTPUT, 1000, parse, false, 'b');
  assert.equal(run(cache, OUTPUT, 1000, parse, false, 'a').id, a.id);
  run(cache, OUTPUT, 1000, parse, false, 'c');
  assert.equal(texts.length, 3);
  run(cache, OUTPUT, 1000, parse, false, 'b');
  assert.equal(texts.length, 4, 'b was the oldest and was dropped');

  // Two runs of one command at once: the slow one compared with an entry the other replaced.
  const two = new OutputCache();
  const first = run(two, OUTPUT, 1000, parse, false, 'a');
  const slow = two.reader('a');
  const other = Buffer.from(OUTPUT);
  other[0] = 0x21;
  run(two, other, 1000, parse, false, 'a');
  slow.push(OUTPUT);
  const late = slow.finish(false, parse);
  assert.equal(texts.length, 7);
  assert.equal(texts.at(-1), OUTPUT.toString());
  assert.notEqual(late.id, first.id);
});

test('real go: a warm rerun of an unchanged package names the same output; an edit does not', async () => {
  const src = 'package p\n\ntype T struct{ A int }\n\nfunc New(a int) *T { return &T{A: a} }\n';
  const dir = writeGoModule({ 'p/p.go': src }, { module: 'example.com/replay' });
  try {
    const cold = await runEscapeAnalysis({ moduleRoot: dir, packages: ['./p'] });
    const warm = await runEscapeAnalysis({ moduleRoot: dir, packages: ['./p'] });
    assert.equal(cold.exitCode, 0, cold.stderr);
    assert.ok(warm.outputId);
    assert.equal(warm.outputId, cold.outputId);
    assert.equal(warm.result, cold.result);
    assert.match(warm.stderr, /escapes to heap/);
    assert.ok(warm.result.findings.some((f) => f.kind === 'escapes-to-heap' && f.line === 5));
    fs.writeFileSync(path.join(dir, 'p/p.go'), `${src}\nfunc Two(a int) *T { return &T{A: a + 2} }\n`);
    const edited = await runEscapeAnalysis({ moduleRoot: dir, packages: ['./p'] });
    assert.notEqual(edited.outputId, cold.outputId);
    assert.ok(edited.result.findings.some((f) => f.kind === 'escapes-to-heap' && f.line === 7));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
