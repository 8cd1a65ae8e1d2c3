// Profiler URLs: the one form users type for Pyroscope in the CLI and the editor.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFleetUrl, parseTime } from '../../server/src/fleet/fleetUrl';

const NOW = Date.UTC(2026, 10, 29, 12, 0, 0);

test('service, type, range and labels', () => {
  const q = parseFleetUrl('pyroscope://127.0.0.1:4040/checkout?type=inuse_space&from=-24h&version=1.5', NOW);
  assert.equal(q.baseUrl, 'http://127.0.0.1:4040');
  assert.equal(q.service, 'checkout');
  assert.equal(q.profileTypeId, 'memory:inuse_space:bytes:space:bytes');
  assert.equal(q.labelSelector, '{service_name="checkout",version="1.5"}');
  assert.equal(q.startMs, NOW - 24 * 3600_000);
  assert.equal(q.endMs, NOW);
});

test('defaults: alloc_space over the last hour', () => {
  const q = parseFleetUrl('pyroscope://h/checkout', NOW);
  assert.equal(q.profileTypeId, 'memory:alloc_space:bytes:space:bytes');
  assert.equal(q.endMs - q.startMs, 3600_000);
});

test('https, a Grafana proxy prefix, credentials and tenant', () => {
  const q = parseFleetUrl('pyroscope+https://u:p%40ss@grafana.example.com/api/datasources/proxy/uid/abc/checkout?tenant=team-a&maxNodes=2048', NOW);
  assert.equal(q.baseUrl, 'https://grafana.example.com/api/datasources/proxy/uid/abc');
  assert.deepEqual([q.user, q.password, q.tenant, q.maxNodes], ['u', 'p@ss', 'team-a', 2048]);
});

test('times: relative, unix seconds, milliseconds, ISO', () => {
  assert.equal(parseTime('now-15m', NOW, 'from'), NOW - 900_000);
  assert.equal(parseTime('1764417600', NOW, 'from'), 1764417600_000);
  assert.equal(parseTime('1764417600123', NOW, 'from'), 1764417600123);
  assert.equal(parseTime('2026-11-28T00:00:00Z', NOW, 'from'), Date.UTC(2026, 10, 28));
});

test('bad input is one sentence', () => {
  assert.throws(() => parseFleetUrl('pyroscope://h/', NOW), /no service in/);
  assert.throws(() => parseFleetUrl('pyroscope://h/x?type=heap', NOW), /unknown profile type 'heap'/);
  assert.throws(() => parseFleetUrl('pyroscope://h/x?from=-1h&to=-2h', NOW), /the range is empty/);
  assert.throws(() => parseFleetUrl('pyroscope://h/x?maxNodes=-3', NOW), /maxNodes must be a positive whole number/);
  assert.throws(() => parseFleetUrl('pyroscope://h/x?bad-label=1', NOW), /'bad-label' is not a label name/);
});

test('the editor builds short URLs that parse back to the same query', async () => {
  const { fleetUrl } = await import('../../server/src/fleet/index');
  const src = { url: 'https://grafana.example.com/api/datasources/proxy/uid/abc/', tenant: 'team-a' };
  const url = fleetUrl(src, 'checkout', 'memory:alloc_space:bytes:space:bytes', '-1h', 'now', { version: '1.5' });
  assert.equal(url, 'pyroscope+https://grafana.example.com/api/datasources/proxy/uid/abc/checkout?type=alloc_space&from=-1h&tenant=team-a&version=1.5');
  const cpu = fleetUrl({ url: 'http://h:4040', kind: 'parca' }, 'api', 'parca_agent:samples:count:cpu:nanoseconds:delta', '-2h', '-1h');
  assert.equal(cpu, 'parca://h:4040/api?type=parca_agent:samples:count:cpu:nanoseconds:delta&from=-2h&to=-1h');
  const q = parseFleetUrl(cpu, NOW);
  assert.deepEqual([q.kind, q.profileTypeId, q.labelSelector, q.startMs, q.endMs], ['parca', 'parca_agent:samples:count:cpu:nanoseconds:delta', '{job="api"}', NOW - 7200_000, NOW - 3600_000]);
  assert.equal(parseFleetUrl(url, NOW).profileTypeId, 'memory:alloc_space:bytes:space:bytes');
});
