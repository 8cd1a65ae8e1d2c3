// A big profile's overlays come from one loader job and its hovers' call paths from a
// second (server/src/lsp/profileFeature.ts). HEAPLENS_TWO_JOB_BYTES=0 takes that path
// on the example's real profile: the overlays answer at once, the hover says the paths
// are still being worked out until they are, then shows them as a one-job load does.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import { InlayHintRequest, type InlayHint, type MarkupContent } from 'vscode-languageserver-protocol';
import { LoadProfileRequest } from '../../server/src/protocol/lsp';
import { LspClient, uriOf } from '../helpers/lspClient';
import { copyExample } from '../helpers/goFixture';

const execFileP = promisify(execFile);
let dir: string;
let catalogFile: string;
let heapFile: string;

before(async () => {
  dir = copyExample();
  catalogFile = path.join(dir, 'catalog', 'catalog.go');
  heapFile = path.join(dir, 'heap.pb.gz');
  await execFileP('go', ['run', './cmd/loadgen', '-o', heapFile, '-rate', '1'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod' } });
});
after(() => { if (dir) fs.rmSync(dir, { recursive: true, force: true }); });

async function hoverOnAppend(client: LspClient): Promise<string> {
  const line = fs.readFileSync(catalogFile, 'utf8').split('\n').findIndex((l) => l.includes('ids = append(ids, p.ID)'));
  const h = await client.hover(catalogFile, line, 4);
  return ((h?.contents as MarkupContent | undefined)?.value ?? '').replace(/\\([_*[\]<>|`~\\])/g, '$1');
}

async function loadAndHover(env: NodeJS.ProcessEnv): Promise<{ first: string; last: string; hints: InlayHint[] }> {
  const client = await LspClient.start({ root: dir, env: { ...process.env, ...env } });
  try {
    await client.open(catalogFile);
    await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), path: heapFile });
    const hints = ((await client.conn.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: uriOf(catalogFile) }, range: { start: { line: 0, character: 0 }, end: { line: 100000, character: 0 } },
    })) ?? []) as InlayHint[];
    const first = await hoverOnAppend(client);
    let last = first;
    for (const t0 = Date.now(); !/Top call paths \(/.test(last) && Date.now() - t0 < 60_000;) {
      await new Promise((r) => setTimeout(r, 100));
      last = await hoverOnAppend(client);
    }
    return { first, last, hints };
  } finally {
    await client.stop();
  }
}

test('two jobs: overlays first, then the same call paths as one job', async () => {
  const one = await loadAndHover({});
  const two = await loadAndHover({ HEAPLENS_TWO_JOB_BYTES: '0' });
  assert.match(one.first, /Top call paths \(alloc_space\)/, 'a small profile has its paths with its overlays');
  assert.ok(two.hints.length > 0, 'overlays are up after the first job');
  assert.deepEqual(two.hints.map((h) => [h.position.line, h.label]), one.hints.map((h) => [h.position.line, h.label]));
  assert.ok(/Top call paths: still being worked out/.test(two.first) || /Top call paths \(/.test(two.first), two.first);
  // The compiler's findings may arrive in between: compare the call paths themselves.
  const paths = (md: string) => md.split('\n\n').filter((part) => part.startsWith('Top call paths'));
  assert.equal(paths(one.first).length, 1, one.first);
  assert.deepEqual(paths(two.last), paths(one.first), 'once ready, the same call paths as one job gives');
});
