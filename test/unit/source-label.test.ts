// The status bar's short name for a profile's source.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sourceLabel } from '../../client/src/hotspots/sourceLabel';

test('a file is its name; a profiler URL its service and range; a live endpoint its host and profile', () => {
  assert.equal(sourceLabel('/home/me/shop/heap.pb.gz'), 'heap.pb.gz');
  assert.equal(sourceLabel('pyroscope://127.0.0.1:4040/checkout?type=alloc_space&from=-6h'), 'checkout -6h');
  assert.equal(sourceLabel('pyroscope+https://grafana.example/api/datasources/proxy/uid/abc/checkout?from=1700000000&until=1700003600'), 'checkout 1700000000…1700003600');
  assert.equal(sourceLabel('parca://localhost:7070/api?type=memory'), 'api');
  assert.equal(sourceLabel('http://127.0.0.1:6060/debug/pprof/heap?seconds=30'), '127.0.0.1:6060 heap');
  assert.equal(sourceLabel('file:///tmp/a%20b/heap.pb.gz'), 'heap.pb.gz');
});
