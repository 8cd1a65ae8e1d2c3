// The settings have one typed definition (server/src/lsp/settings.ts); package.json
// must contribute the same keys with the same defaults, and bad values must fall
// back to defaults instead of breaking analysis.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { allKinds, heaplensDefaults, resolveSettings } from '../../server/src/lsp/settings';
import { repoRoot } from '../helpers/goFixture';

const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const props = manifest.contributes.configuration.properties as Record<string, { default: unknown; description?: string; markdownDescription?: string; items?: { enum?: string[] } }>;

test('package.json contributes every setting with the typed defaults and a description', () => {
  // Settings only the client reads (profile sources, the watch, the profile to load) are not the server's.
  const clientOnly = /^heaplens\.(profile|profileSources|watch\..+)$/;
  const keys = Object.keys(props).filter((k) => k.startsWith('heaplens.') && !clientOnly.test(k)).sort();
  assert.deepEqual(keys, Object.keys(heaplensDefaults).map((k) => `heaplens.${k}`).sort());
  for (const [k, v] of Object.entries(heaplensDefaults)) {
    assert.deepEqual(props[`heaplens.${k}`].default, v, k);
    assert.ok(props[`heaplens.${k}`].description || props[`heaplens.${k}`].markdownDescription, `${k} needs a description`);
  }
  assert.deepEqual([...(props['heaplens.kinds'].items?.enum ?? [])].sort(), [...allKinds].sort());
});

test('the Go extension settings fill in what HeapLens leaves unset; HeapLens values win', () => {
  const fromGo = resolveSettings({}, { buildFlags: ['-race'], buildTags: 'integration, linux', goroot: '/opt/go' });
  assert.deepEqual(fromGo.buildFlags, ['-race']);
  assert.deepEqual(fromGo.tags, ['integration', 'linux']);
  assert.equal(fromGo.goBin, path.join('/opt/go', 'bin', 'go'));
  const own = resolveSettings({ buildFlags: ['-v'], buildTags: 'x', goPath: '/usr/bin/go' }, { buildFlags: ['-race'], buildTags: 'y', goroot: '/opt/go' });
  assert.deepEqual([own.buildFlags, own.tags, own.goBin], [['-v'], ['x'], '/usr/bin/go']);
});

test('nonsense values fall back to defaults', () => {
  const s = resolveSettings({ kinds: 'all', severity: 'loud', analyzeOn: 42, buildFlags: [1], goPath: '  ' }, null);
  assert.deepEqual(s.kinds, heaplensDefaults.kinds);
  assert.equal(s.severity, 'information');
  assert.equal(s.analyzeOn, 'save');
  assert.deepEqual(s.buildFlags, []);
  assert.equal(s.goBin, 'go');
  assert.deepEqual(resolveSettings({ kinds: ['moved-to-heap', 'bogus'] }, {}).kinds, ['moved-to-heap']);
});
