// LineMap: profiled lines follow inserted and deleted lines; changed lines drop out.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LineMap } from '../../server/src/hotspots/lineMap';
import { exampleDir } from '../helpers/goFixture';

const original = fs.readFileSync(path.join(exampleDir, 'catalog', 'catalog.go'), 'utf8');
const lines = original.split('\n');
const at = (needle: string) => lines.findIndex((l) => l.includes(needle));

test('an unedited buffer maps every line to itself', () => {
  const m = new LineMap(original);
  assert.equal(m.edited, false);
  for (let i = 0; i < lines.length; i++) { assert.equal(m.current(i), i); assert.equal(m.original(i), i); }
});

test('lines inserted above move the lines below; deleting them moves them back', () => {
  const m = new LineMap(original);
  const k = at('func IDs(');
  const edited = [...lines.slice(0, k), '// new 1', '// new 2', ...lines.slice(k)];
  m.update(edited.join('\n'));
  assert.equal(m.edited, true);
  assert.equal(m.current(at('ids = append')), at('ids = append') + 2);
  assert.equal(m.current(at('s := Summary{}')), at('s := Summary{}'), 'lines above stay');
  assert.equal(m.original(k), -1, 'inserted lines have no profile line');
  m.update(original);
  assert.equal(m.current(at('ids = append')), at('ids = append'));
});

test('a changed line loses its place; deleted lines vanish; several edits in one version are all seen', () => {
  const m = new LineMap(original);
  const edited = [...lines];
  edited[at('line += t')] = '\t\tline += t + ";"';
  edited.splice(at('// Label formats'), 1);
  edited.splice(at('// IDs grows'), 0, 'var x = 1', 'var y = 2', 'var z = 3');
  m.update(edited.join('\n'));
  assert.equal(m.current(at('line += t')), -1);
  assert.equal(m.current(at('// Label formats')), -1);
  assert.equal(m.current(at('ids = append')), at('ids = append') + 3);
  assert.equal(m.current(at('return make([]byte, size)')), at('return make([]byte, size)') + 3 - 1);
});

test('CRLF buffers map like LF ones', () => {
  const m = new LineMap(original, original.replace(/\n/g, '\r\n'));
  assert.equal(m.current(at('ids = append')), at('ids = append'));
});
