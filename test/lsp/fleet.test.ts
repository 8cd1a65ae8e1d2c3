// Pyroscope as a profile source, through the real CLI and the real language server,
// against a local server built from Pyroscope's own generated QuerierService code
// (test/servers/pyroscope), serving heap profiles that the bundled example's load
// generator wrote: two "versions" of the service, stored at different times.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { InlayHintRequest, type InlayHint } from 'vscode-languageserver-protocol';
import { LoadProfileRequest } from '../../server/src/protocol/lsp';
import { copyExample, repoRoot } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';
import { buildPyroscopeServer, PyroscopeServer, type StoredProfile } from '../helpers/pyroscopeServer';

const execFileP = promisify(execFile);
const cli = path.join(repoRoot, 'server', 'out', 'cli.js');

let dir: string;
let binDir: string;
let store: StoredProfile[];
const servers: PyroscopeServer[] = [];
let plain: PyroscopeServer;
const total = new Map<string, number>();

function heaplens(args: string[], env: NodeJS.ProcessEnv = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('node', [cli, ...args], { encoding: 'utf8', env: { ...process.env, HEAPLENS_PYROSCOPE_TOKEN: '', ...env }, timeout: 60_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
function topTotal(source: string, env: NodeJS.ProcessEnv = {}): number {
  const r = heaplens(['top', source, '--json'], env);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { total: number }).total;
}
async function start(opts = {}): Promise<PyroscopeServer> {
  const s = await PyroscopeServer.start(path.join(binDir, 'pyroscope-server'), store, opts);
  servers.push(s);
  return s;
}

before(async () => {
  dir = copyExample();
  binDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-pyro-bin-'));
  const [, v14, v15] = await Promise.all([
    buildPyroscopeServer(binDir),
    ...[['v14', '500'], ['v15', '2000']].map(async ([name, rounds]) => {
      const out = path.join(dir, `${name}.pb.gz`);
      await execFileP('go', ['run', './cmd/loadgen', '-o', out, '-rounds', rounds], { cwd: dir });
      return out;
    }),
  ]);
  const now = Date.now();
  store = [
    { labels: { service_name: 'checkout', version: '1.4' }, timeMs: now - 2 * 3600_000, file: v14 },
    { labels: { service_name: 'checkout', version: '1.5' }, timeMs: now - 10 * 60_000, file: v15 },
    { labels: { service_name: 'cart', version: '1.5' }, timeMs: now - 10 * 60_000, file: v14 },
  ];
  total.set('v14', topTotal(v14));
  total.set('v15', topTotal(v15));
  plain = await start();
});
after(() => {
  for (const s of servers) s.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(binDir, { recursive: true, force: true });
});

test('a service over a time range is the merge of its profiles, like any other profile', () => {
  const url = `pyroscope://${plain.hostPort}/checkout?from=-3h`;
  assert.equal(topTotal(url), total.get('v14')! + total.get('v15')!);
  const top = heaplens(['top', url, '--limit', '3']);
  assert.match(top.stdout, /example\.com\/shop\/catalog\.ByName/);
});

test('labels and time ranges select what is merged', () => {
  assert.equal(topTotal(`pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.5`), total.get('v15'));
  assert.equal(topTotal(`pyroscope://${plain.hostPort}/checkout?from=-1h`), total.get('v15'), 'the 1.4 profile is two hours old');
  assert.equal(topTotal(`pyroscope://${plain.hostPort}/cart?from=-1h`), total.get('v14'));
  const full = `pyroscope://${plain.hostPort}/?from=-3h&query=${encodeURIComponent('{service_name="checkout",version="1.4"}')}`;
  assert.equal(topTotal(full), total.get('v14'));
});

test('two ranges compare like pprof -base: a deploy-to-deploy diff', () => {
  const r = heaplens(['diff', `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.4`, `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.5`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { total: number }).total, total.get('v15')! - total.get('v14')!);
});

test('an unknown service, an empty range and a missing profile type say so in words', () => {
  let r = heaplens(['top', `pyroscope://${plain.hostPort}/nope?from=-3h`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown service "nope" at Pyroscope http:\/\/127\.0\.0\.1:\d+ between .* services with profiles then: cart, checkout/);
  r = heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-10d&to=-5d`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no profiles for \{service_name="checkout"\} \(memory:alloc_space:bytes:space:bytes\) between/);
  r = heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h&type=cpu`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"checkout" has no process_cpu:cpu:nanoseconds:cpu:nanoseconds profiles .* it has: memory:alloc_objects/);
  r = heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=yesterday`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'from=yesterday' is not a time/);
});

test('truncation by max_nodes is shown', () => {
  const r = heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h&maxNodes=3`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Pyroscope truncated the profile to 3 nodes: .* "other"/);
  assert.match(r.stdout, /\bother$/m);
  assert.doesNotMatch(heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h`]).stderr, /truncated/);
});

test('an unreachable server is one sentence', async () => {
  const port = await closedPort();
  const r = heaplens(['top', `pyroscope://127.0.0.1:${port}/checkout`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`cannot reach Pyroscope at http://127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
});

/** A port that was free a moment ago and has nobody listening now. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

test('bearer tokens and basic auth: refused and accepted', async () => {
  const s = await start({ token: 's3cret' });
  const url = `pyroscope://${s.hostPort}/checkout?from=-3h`;
  assert.match(heaplens(['top', url]).stderr, /Pyroscope at http:\/\/\S+ wants credentials: set a token/);
  assert.match(heaplens(['top', url], { HEAPLENS_PYROSCOPE_TOKEN: 'wrong' }).stderr, /credentials refused by Pyroscope at \S+: invalid token/);
  assert.equal(topTotal(url, { HEAPLENS_PYROSCOPE_TOKEN: 's3cret' }), total.get('v14')! + total.get('v15')!);
  const b = await start({ user: 'grafana', password: 'p@ss' });
  assert.match(heaplens(['top', `pyroscope://grafana:nope@${b.hostPort}/checkout?from=-3h`]).stderr, /credentials refused .* invalid username or password/);
  assert.equal(topTotal(`pyroscope://grafana:p%40ss@${b.hostPort}/checkout?from=-3h`), total.get('v14')! + total.get('v15')!);
});

test('multi-tenant servers: the tenant goes in X-Scope-OrgID', async () => {
  const s = await start({ tenant: 'team-a' });
  const url = `pyroscope://${s.hostPort}/checkout?from=-3h`;
  assert.match(heaplens(['top', url]).stderr, /is multi-tenant and wants a tenant: add \?tenant=/);
  assert.match(heaplens(['top', `${url}&tenant=team-b`]).stderr, /refused access for tenant "team-b"/);
  assert.equal(topTotal(`${url}&tenant=team-a`), total.get('v14')! + total.get('v15')!);
});

test('a Grafana data-source proxy path is the base URL', async () => {
  const s = await start({ prefix: '/api/datasources/proxy/uid/pyro' });
  assert.equal(topTotal(`pyroscope://${s.hostPort}/api/datasources/proxy/uid/pyro/checkout?from=-3h&version=1.4`), total.get('v14'));
  assert.match(heaplens(['top', `pyroscope://${s.hostPort}/checkout?from=-3h`]).stderr, /no Pyroscope query API at http:\/\/\S+ \(HTTP 404\)/);
});

test('the language server loads a fleet profile onto the lines, and diffs two ranges', async () => {
  const client = await LspClient.start({ root: dir });
  try {
    const url = `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.5`;
    const info = await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url });
    assert.equal(info.source, url);
    assert.equal(info.sampleType, 'alloc_space');
    const catalog = path.join(dir, 'catalog', 'catalog.go');
    const line = fs.readFileSync(catalog, 'utf8').split('\n').findIndex((l) => l.includes('ids = append(ids, p.ID)'));
    const hints = async () => (await client.conn.sendRequest(InlayHintRequest.type, {
      textDocument: { uri: uriOf(catalog) }, range: { start: { line: 0, character: 0 }, end: { line: 500, character: 0 } },
    })) as InlayHint[];
    assert.match(String((await hints()).find((h) => h.position.line === line)?.label), /alloc_space$/);
    await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url, base: { url: `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.4` } });
    assert.match(String((await hints()).find((h) => h.position.line === line)?.label), /^\+/);
    await assert.rejects(
      client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: `pyroscope://${plain.hostPort}/nope` }),
      (e: Error) => /unknown service "nope"/.test(e.message) && !e.message.includes('\n'),
    );
  } finally {
    await client.stop();
  }
});
