// The editor overlays from a legacy profile: the real server loads Go's debug=1
// heap text (names from its # lines) over LSP and puts the cost on the line that
// allocates, the same value it gives the protobuf form of the same profile.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { InlayHintRequest, type InlayHint } from 'vscode-languageserver-protocol';
import { LoadProfileRequest, SetSampleTypeRequest, type ProfileInfo } from '../../server/src/protocol/lsp';
import { legacyDir } from '../helpers/legacyFixtures';
import { LspClient, uriOf } from '../helpers/lspClient';

const execFileP = promisify(execFile);
let dir = '';
let mainFile = '';
let client: LspClient;

before(async () => {
  // The program that writes the profiles runs in the workspace, so the files its
  // profiles name are there.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-legacy-lsp-'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/legacygen\n\ngo 1.21\n');
  mainFile = path.join(dir, 'main.go');
  fs.copyFileSync(path.join(legacyDir, 'gen', 'main.go'), mainFile);
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' };
  await execFileP('go', ['build', '-o', 'gen', '.'], { cwd: dir, env });
  fs.mkdirSync(path.join(dir, 'out'));
  await execFileP(path.join(dir, 'gen'), [path.join(dir, 'out')], { cwd: dir });
  client = await LspClient.start({ root: dir, settings: { heaplens: { kinds: ['moved-to-heap', 'escapes-to-heap'] } } });
  await client.open(mainFile);
});

after(async () => {
  await client?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const hints = () => client.conn.sendRequest(InlayHintRequest.type, {
  textDocument: { uri: uriOf(mainFile) }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } },
}) as Promise<InlayHint[] | null>;

test('heaplens/loadProfile reads Go debug=1 heap text and overlays the same costs as its protobuf form', async () => {
  const leafLine = fs.readFileSync(mainFile, 'utf8').split('\n').findIndex((l) => l.startsWith('func leaf('));
  assert.ok(leafLine >= 0);
  const labels: Record<string, Map<number, string>> = {};
  for (const file of ['heap.txt', 'heap.pb.gz']) {
    const full = path.join(dir, 'out', file);
    const info = (await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), path: full })) as ProfileInfo;
    assert.deepEqual(info.sampleTypes, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
    assert.equal(info.sampleType, 'inuse_space');
    assert.ok(info.resolvedFiles >= 1, JSON.stringify(info));
    assert.ok(!info.unresolvedFiles.includes(mainFile), JSON.stringify(info));
    await client.conn.sendRequest(SetSampleTypeRequest.type, { folderUri: uriOf(dir), sampleType: 'alloc_space' });
    const hs = (await hints()) ?? [];
    labels[file] = new Map(hs.map((h) => [h.position.line, typeof h.label === 'string' ? h.label : h.label.map((p) => p.value).join('')]));
  }
  assert.ok(labels['heap.txt'].has(leafLine), `a cost on leaf's line (${leafLine}): ${JSON.stringify([...labels['heap.txt']])}`);
  assert.deepEqual(labels['heap.txt'], labels['heap.pb.gz'], 'the same overlays from both forms');
});
