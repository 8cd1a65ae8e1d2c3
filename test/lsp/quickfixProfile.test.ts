// The profile-tied quick fix (sync.Pool) with a real heap profile loaded: the
// diagnostic carries the measured cost (the profile feature's decoration), and
// the code action says what the line cost and becomes the preferred fix.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { LoadProfileRequest } from '../../server/src/protocol/lsp';
import { go } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';
import { codeActions, copyFixtures, lineIndex } from '../helpers/quickfixHarness';

let dir: string;
let client: LspClient;

before(async () => {
  dir = path.join(copyFixtures(), 'pool');
  // A real heap profile of the fixture's benchmark, every allocation sampled.
  const r = go(dir, ['test', '-run', '^$', '-bench', '.', '-benchtime=500x', '-memprofilerate=1', '-memprofile', 'mem.out', '-o', path.join(dir, 'pool.test.bin'), '.']);
  assert.equal(r.code, 0, r.stderr);
  client = await LspClient.start({ root: dir, settings: { heaplens: { kinds: ['moved-to-heap', 'escapes-to-heap'] } } });
});
after(async () => { await client.stop(); });

test('with a heap profile loaded, the sync.Pool fix names the measured cost and is preferred', async () => {
  const file = path.join(dir, 'render.go');
  const text = fs.readFileSync(file, 'utf8');
  const line = lineIndex(text, 'var buf bytes.Buffer');
  const first = client.nextDiagnostics(file, (d) => d.some((x) => x.range.start.line === line));
  await client.open(file);
  const plain = (await first).find((d) => d.range.start.line === line && d.code === 'moved-to-heap')!;
  const without = (await codeActions(client, file, plain)).find((a): a is CodeAction => /sync\.Pool/.test(a.title));
  assert.ok(without);
  assert.equal(without.isPreferred, false, 'without a profile the pool is offered, not preferred');

  const decorated = client.nextDiagnostics(file, (d) => d.some((x) => x.range.start.line === line && typeof (x.data as { cost?: unknown })?.cost === 'number'));
  await client.conn.sendRequest(LoadProfileRequest.type, { path: path.join(dir, 'mem.out'), folderUri: uriOf(dir), sampleType: 'alloc_space' });
  const d = (await decorated).find((x) => x.range.start.line === line && x.code === 'moved-to-heap')!;
  const cost = d.message.slice(d.message.lastIndexOf(' — ') + 3);
  assert.ok(cost.length > 0 && cost !== d.message, d.message);

  const action = (await codeActions(client, file, d)).find((a): a is CodeAction => /sync\.Pool/.test(a.title));
  assert.ok(action, 'no pool action');
  assert.equal(action.title, `Reuse buf through a sync.Pool (${cost} on this line)`);
  assert.equal(action.isPreferred, true);
});
