// heaplens.analyzeOn = "type": unsaved buffers are analysed through -overlay,
// debounced, without touching the files on disk.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { MarkupContent } from 'vscode-languageserver-protocol';
import { LspClient } from '../helpers/lspClient';
import { escGo, lineContaining, writeEscModule } from './fixtures';

let root: string;
let file: string;
let client: LspClient;

before(async () => {
  root = writeEscModule();
  file = path.join(root, 'esc', 'esc.go');
  client = await LspClient.start({ root, settings: { heaplens: { analyzeOn: 'type' } } });
  const first = client.nextDiagnostics(file, (d) => d.length > 0);
  await client.open(file);
  await first;
});
after(async () => { await client.stop(); });

test('an unsaved edit is analysed from the buffer, and the file on disk is untouched', async () => {
  const edited = escGo + '\n// Extra is typed but not saved.\nfunc Extra() *int {\n\tfresh := 3\n\treturn &fresh\n}\n';
  const line = lineContaining(edited, 'fresh := 3');
  const published = client.nextDiagnostics(file, (d) => d.some((x) => x.code === 'moved-to-heap' && x.range.start.line === line));
  await client.change(file, edited);
  const diags = await published;
  assert.match(diags.find((d) => d.range.start.line === line)!.message, /^fresh is moved to the heap/);
  assert.equal(fs.readFileSync(file, 'utf8'), escGo);
  assert.ok(client.logs.some((l) => /-overlay=/.test(l)), 'the run used an overlay');
  // The finding is the diagnostic's: the hover does not repeat it.
  const hover = await client.hover(file, line, 1);
  assert.doesNotMatch((hover?.contents as MarkupContent | undefined)?.value ?? '', /fresh is moved to the heap/);
});

test('a burst of keystrokes is debounced into one run for the last text', async () => {
  const before = client.logs.filter((l) => l.includes('running ')).length;
  let text = escGo;
  for (let i = 0; i < 10; i++) {
    text += `\nfunc K${i}() *int {\n\tk${i} := ${i}\n\treturn &k${i}\n}\n`;
    if (i === 9) {
      const line = lineContaining(text, 'k9 := 9');
      const published = client.nextDiagnostics(file, (d) => d.some((x) => x.range.start.line === line && x.code === 'moved-to-heap'));
      await client.change(file, text);
      await published;
    } else {
      await client.change(file, text);
    }
  }
  const runs = client.logs.filter((l) => l.includes('running ')).length - before;
  assert.ok(runs >= 1 && runs <= 2, `10 keystrokes within the debounce made ${runs} runs`);
});
