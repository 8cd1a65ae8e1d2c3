// Helper processes ask glibc's malloc for huge pages (limits/isolate.ts): the
// setting is added to the child's environment, never to this process's, and a
// setting of the user's own is left as it is.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { runIsolated, withHugePages } from '../../server/src/limits/isolate';

test('huge pages are added to GLIBC_TUNABLES unless the user chose', () => {
  assert.equal(withHugePages(undefined), 'glibc.malloc.hugetlb=1');
  assert.equal(withHugePages(''), 'glibc.malloc.hugetlb=1');
  assert.equal(withHugePages('glibc.malloc.arena_max=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  assert.equal(withHugePages('glibc.malloc.hugetlb=0'), 'glibc.malloc.hugetlb=0');
  assert.equal(withHugePages('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2'), 'glibc.malloc.arena_max=2:glibc.malloc.hugetlb=2');
});

test('a helper process gets the setting; this process keeps its own environment', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-isolate-'));
  try {
    const script = path.join(dir, 'env.js');
    const isolate = path.resolve(__dirname, '..', '..', 'server', 'src', 'limits', 'isolate.js');
    fs.writeFileSync(script, `require(${JSON.stringify(isolate)}).serveIsolatedJob(() => process.env.GLIBC_TUNABLES ?? null);\n`);
    const before = process.env.GLIBC_TUNABLES;
    const r = await runIsolated<null, string | null>(script, null, { maxHeapMb: 64, maxRssMb: 512, timeoutMs: 30_000 }, 'the test helper');
    assert.ok(r.ok, r.ok ? '' : r.error);
    assert.equal(r.value, withHugePages(before));
    assert.equal(process.env.GLIBC_TUNABLES, before);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
