// What an allocating line does, from the runtime frame or the Go source.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { labelFromRuntime, labelFromSource } from '../../server/src/hotspots/allocLabels';
import { costLabel, costPhrase, formatAmount } from '../../server/src/hotspots/format';
import { exampleDir } from '../helpers/goFixture';

const src = fs.readFileSync(path.join(exampleDir, 'catalog', 'catalog.go'), 'utf8').split('\n');
const line = (needle: string) => src.find((l) => l.includes(needle))!;

test('the example\'s allocating lines are named by what the runtime does for them', () => {
  assert.equal(labelFromSource(line('ids = append(ids, p.ID)'))?.text, 'append grew the slice (runtime.growslice)');
  assert.equal(labelFromSource(line('index[products[i].Name] = &products[i]'))?.text, 'map assignment grew the map (runtime.mapassign)');
  assert.equal(labelFromSource(line('index := make(map[string]*Product)'))?.text, 'make(map) (runtime.makemap)');
  assert.equal(labelFromSource(line('line += t + ","'))?.text, 'string concatenation (runtime.concatstrings)');
  assert.equal(labelFromSource(line('return make([]byte, size)'))?.text, 'make([]T, n) (runtime.makeslice)');
  assert.equal(labelFromSource(line('go func() {'))?.text, 'a goroutine is started (runtime.newproc)');
  assert.equal(labelFromSource('\tb := []byte(s)')?.text, '[]byte(string) conversion copies (runtime.stringtoslicebyte)');
  assert.equal(labelFromSource('\treturn string(b)')?.text, 'string([]byte) conversion copies (runtime.slicebytetostring)');
  assert.equal(labelFromSource('\tp := &Point{X: 1}')?.text, 'a new object (runtime.newobject)');
  assert.equal(labelFromSource(line('return s.Count, s.Total')), undefined);
  assert.equal(labelFromSource('\tx := y // append(x) in a comment'), undefined);
  assert.equal(labelFromSource('\tlog("append(")'), undefined);
  assert.equal(labelFromSource('\tif a[i] == b {'), undefined);
});

test('runtime frames, when the profile keeps them, name the allocation', () => {
  assert.deepEqual(labelFromRuntime('runtime.growslice'), { text: 'append grew the slice (runtime.growslice)', from: 'profile' });
  assert.equal(labelFromRuntime('runtime.mapassign_faststr').text, 'map assignment grew the map (runtime.mapassign_faststr)');
  assert.equal(labelFromRuntime('internal/runtime/maps.(*Map).growToTable').text, 'map assignment grew the map (maps.(*Map).growToTable)');
  assert.equal(labelFromRuntime('runtime.concatstring3').text, 'string concatenation (runtime.concatstring3)');
  assert.equal(labelFromRuntime('runtime.slicebytetostring').text, 'string([]byte) conversion copies (runtime.slicebytetostring)');
  assert.equal(labelFromRuntime('runtime.newobject').text, 'a new object (runtime.newobject)');
  assert.equal(labelFromRuntime('runtime.convTstring').text, 'a value is boxed in an interface (runtime.convTstring)');
  assert.equal(labelFromRuntime('runtime.somethingNew').text, 'runtime.somethingNew allocates');
});

test('costs read as the editor shows them', () => {
  const space = { type: 'alloc_space', unit: 'bytes' };
  const objects = { type: 'alloc_objects', unit: 'count' };
  assert.equal(costLabel(2.1 * 1024 * 1024, 11.7 * 1024 * 1024, space, false), '2.1 MiB · 18% alloc_space');
  assert.equal(costLabel(17797, 162687, objects, false), '17.8k · 11% alloc_objects');
  assert.equal(costLabel(-300 * 1024, 1, space, true), '\u2212300 KiB alloc_space vs base');
  assert.equal(costLabel(1.25 * 1024 * 1024, 1, space, true), '+1.25 MiB alloc_space vs base');
  assert.equal(costPhrase(1.2 * 1024 * 1024, 8.6 * 1024 * 1024, space, false), '1.2 MiB alloc_space (14%)');
  assert.equal(formatAmount(512, 'bytes'), '512 B');
  assert.equal(formatAmount(0.04, 'count'), '0');
  assert.equal(costLabel(1, 5000, space, false), '1 B · <0.1% alloc_space');
});
