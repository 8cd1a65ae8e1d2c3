// Pyroscope and Parca as profile sources, through the real CLI and the real language
// server, against local servers built from the projects' own generated API code
// (Pyroscope's QuerierService Connect handlers in Go, test/servers/pyroscope;
// Parca's QueryService messages from @parca/client over gRPC-Web), serving heap
// profiles that the bundled example's load generator wrote: two "versions" of the
// service, stored at different times.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { CancellationTokenSource, InlayHintRequest, LSPErrorCodes, ResponseError, type InlayHint } from 'vscode-languageserver-protocol';
import { LoadProfileRequest } from '../../server/src/protocol/lsp';
import { copyExample, repoRoot } from '../helpers/goFixture';
import { LspClient, uriOf } from '../helpers/lspClient';
import { ParcaServer } from '../helpers/parcaServer';
import { buildPyroscopeServer, PyroscopeServer, type StoredProfile } from '../helpers/pyroscopeServer';

const execFileP = promisify(execFile);
const cli = path.join(repoRoot, 'server', 'out', 'cli.js');

let dir: string;
let binDir: string;
let store: StoredProfile[];
const servers: PyroscopeServer[] = [];
let plain: PyroscopeServer;
const total = new Map<string, number>();
const parcas: ParcaServer[] = [];
/** Parca's scrape jobs label by job, not service_name. */
async function startParca(opts = {}): Promise<ParcaServer> {
  const jobs = store.map((e) => ({ ...e, labels: { job: e.labels.service_name, version: e.labels.version } }));
  const p = await ParcaServer.start(path.join(binDir, 'pyroscope-server'), jobs, opts);
  parcas.push(p);
  return p;
}

/** Runs the CLI without blocking: the Parca stand-in answers from this process. */
async function heaplens(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await execFileP('node', [cli, ...args], { encoding: 'utf8', env: { ...process.env, HEAPLENS_PYROSCOPE_TOKEN: '', HEAPLENS_PARCA_TOKEN: '', ...env }, timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof x.code === 'number' ? x.code : -1, stdout: x.stdout ?? '', stderr: x.stderr ?? '' };
  }
}
async function topTotal(source: string, env: NodeJS.ProcessEnv = {}): Promise<number> {
  const r = await heaplens(['top', source, '--json'], env);
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
  total.set('v14', await topTotal(v14));
  total.set('v15', await topTotal(v15));
  plain = await start();
});
after(async () => {
  for (const s of servers) s.stop();
  for (const p of parcas) await p.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(binDir, { recursive: true, force: true });
});

test('a service over a time range is the merge of its profiles, like any other profile', async () => {
  const url = `pyroscope://${plain.hostPort}/checkout?from=-3h`;
  assert.equal(await topTotal(url), total.get('v14')! + total.get('v15')!);
  const top = await heaplens(['top', url, '--limit', '3']);
  assert.match(top.stdout, /example\.com\/shop\/catalog\.ByName/);
});

test('labels and time ranges select what is merged', async () => {
  assert.equal(await topTotal(`pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.5`), total.get('v15'));
  assert.equal(await topTotal(`pyroscope://${plain.hostPort}/checkout?from=-1h`), total.get('v15'), 'the 1.4 profile is two hours old');
  assert.equal(await topTotal(`pyroscope://${plain.hostPort}/cart?from=-1h`), total.get('v14'));
  const full = `pyroscope://${plain.hostPort}/?from=-3h&query=${encodeURIComponent('{service_name="checkout",version="1.4"}')}`;
  assert.equal(await topTotal(full), total.get('v14'));
});

test('two ranges compare like pprof -base: a deploy-to-deploy diff', async () => {
  const r = await heaplens(['diff', `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.4`, `pyroscope://${plain.hostPort}/checkout?from=-3h&version=1.5`, '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal((JSON.parse(r.stdout) as { total: number }).total, total.get('v15')! - total.get('v14')!);
});

test('an unknown service, an empty range and a missing profile type say so in words', async () => {
  let r = await heaplens(['top', `pyroscope://${plain.hostPort}/nope?from=-3h`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown service "nope" at Pyroscope http:\/\/127\.0\.0\.1:\d+ between .* services with profiles then: cart, checkout/);
  r = await heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-10d&to=-5d`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no profiles for \{service_name="checkout"\} \(memory:alloc_space:bytes:space:bytes\) between/);
  r = await heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h&type=cpu`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /"checkout" has no process_cpu:cpu:nanoseconds:cpu:nanoseconds profiles .* it has: memory:alloc_objects/);
  r = await heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=yesterday`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /'from=yesterday' is not a time/);
});

test('truncation by max_nodes is shown', async () => {
  const r = await heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h&maxNodes=3`]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Pyroscope truncated the profile to 3 nodes: .* "other"/);
  assert.match(r.stdout, /\bother$/m);
  assert.doesNotMatch((await heaplens(['top', `pyroscope://${plain.hostPort}/checkout?from=-3h`])).stderr, /truncated/);
});

test('an unreachable server is one sentence', async () => {
  const port = await closedPort();
  const r = await heaplens(['top', `pyroscope://127.0.0.1:${port}/checkout`]);
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
  assert.match((await heaplens(['top', url])).stderr, /Pyroscope at http:\/\/\S+ wants credentials: set a token/);
  assert.match((await heaplens(['top', url], { HEAPLENS_PYROSCOPE_TOKEN: 'wrong' })).stderr, /credentials refused by Pyroscope at \S+: invalid token/);
  assert.equal(await topTotal(url, { HEAPLENS_PYROSCOPE_TOKEN: 's3cret' }), total.get('v14')! + total.get('v15')!);
  const b = await start({ user: 'grafana', password: 'p@ss' });
  assert.match((await heaplens(['top', `pyroscope://grafana:nope@${b.hostPort}/checkout?from=-3h`])).stderr, /credentials refused .* invalid username or password/);
  assert.equal(await topTotal(`pyroscope://grafana:p%40ss@${b.hostPort}/checkout?from=-3h`), total.get('v14')! + total.get('v15')!);
});

test('multi-tenant servers: the tenant goes in X-Scope-OrgID', async () => {
  const s = await start({ tenant: 'team-a' });
  const url = `pyroscope://${s.hostPort}/checkout?from=-3h`;
  assert.match((await heaplens(['top', url])).stderr, /is multi-tenant and wants a tenant: add \?tenant=/);
  assert.match((await heaplens(['top', `${url}&tenant=team-b`])).stderr, /refused access for tenant "team-b"/);
  assert.equal(await topTotal(`${url}&tenant=team-a`), total.get('v14')! + total.get('v15')!);
});

test('a Grafana data-source proxy path is the base URL', async () => {
  const s = await start({ prefix: '/api/datasources/proxy/uid/pyro' });
  assert.equal(await topTotal(`pyroscope://${s.hostPort}/api/datasources/proxy/uid/pyro/checkout?from=-3h&version=1.4`), total.get('v14'));
  assert.match((await heaplens(['top', `pyroscope://${s.hostPort}/checkout?from=-3h`])).stderr, /no Pyroscope query API at http:\/\/\S+ \(HTTP 404\)/);
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

test('Parca: a job over a time range, merged, selected by labels', async () => {
  const p = await startParca();
  const both = total.get('v14')! + total.get('v15')!;
  assert.equal(await topTotal(`parca://${p.hostPort}/checkout?from=-3h`), both);
  assert.equal(await topTotal(`parca://${p.hostPort}/checkout?from=-3h&version=1.4`), total.get('v14'));
  assert.equal(await topTotal(`parca://${p.hostPort}/checkout?from=-1h`), total.get('v15'));
  const d = await heaplens(['diff', `parca://${p.hostPort}/checkout?from=-3h&version=1.4`, `parca://${p.hostPort}/checkout?from=-3h&version=1.5`, '--json']);
  assert.equal((JSON.parse(d.stdout) as { total: number }).total, total.get('v15')! - total.get('v14')!);
  let r = await heaplens(['top', `parca://${p.hostPort}/nope?from=-3h`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /unknown service "nope" at Parca http:\/\/\S+ between .* jobs with profiles then: cart, checkout/);
  r = await heaplens(['top', `parca://${p.hostPort}/checkout?from=-10d&to=-5d`]);
  assert.match(r.stderr, /Parca at \S+ has no memory:alloc_space:bytes:space:bytes profiles between/);
});

test('Parca and Polar Signals Cloud: tokens and project ids, refused and accepted', async () => {
  const p = await startParca({ token: 'ps-token', project: 'proj-1' });
  const url = `parca://${p.hostPort}/checkout?from=-3h`;
  assert.match((await heaplens(['top', url])).stderr, /Parca at \S+ wants credentials: set a token \(HEAPLENS_PARCA_TOKEN/);
  assert.match((await heaplens(['top', url], { HEAPLENS_PARCA_TOKEN: 'nope' })).stderr, /credentials refused by Parca at \S+: invalid token/);
  assert.match((await heaplens(['top', `${url}&project=proj-2`], { HEAPLENS_PARCA_TOKEN: 'ps-token' })).stderr, /Parca at \S+ refused access to project proj-2: no access to project proj-2/);
  assert.equal(await topTotal(`${url}&project=proj-1`, { HEAPLENS_PARCA_TOKEN: 'ps-token' }), total.get('v14')! + total.get('v15')!);
  const port = await closedPort();
  assert.match((await heaplens(['top', `parca://127.0.0.1:${port}/checkout`])).stderr, new RegExp(`cannot reach Parca at http://127\\.0\\.0\\.1:${port}`));
});

test('the language server loads a Parca profile onto the lines', async () => {
  const p = await startParca({ token: 'ps-token' });
  const client = await LspClient.start({ root: dir });
  try {
    const url = `parca://${p.hostPort}/checkout?from=-3h`;
    const info = await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url, token: 'ps-token' });
    assert.equal(info.sampleType, 'alloc_space');
    assert.ok(info.lines > 0 && info.resolvedFiles > 0, JSON.stringify(info));
    // Errors reach the editor as one line, as from Pyroscope.
    const refused = async (params: { url: string; token?: string }, re: RegExp) => assert.rejects(
      client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), ...params }),
      (e: Error) => re.test(e.message) && !e.message.includes('\n'),
    );
    await refused({ url, token: 'wrong' }, /^credentials refused by Parca at \S+: invalid token$/);
    await refused({ url: `parca://${p.hostPort}/nope?from=-3h`, token: 'ps-token' }, /^unknown service "nope" at Parca/);
    await refused({ url: `parca://${p.hostPort}/checkout?from=-10d&to=-5d`, token: 'ps-token' }, /has no memory:alloc_space:bytes:space:bytes profiles between/);
  } finally {
    await client.stop();
  }
});

test('Parca: a profile type the server lacks and a wrong base path say so in words', async () => {
  const p = await startParca();
  let r = await heaplens(['top', `parca://${p.hostPort}/checkout?from=-3h&type=cpu`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /Parca at \S+ has no process_cpu:cpu:nanoseconds:cpu:nanoseconds profiles between .*; it has: memory:alloc_objects:count:space:bytes:delta/);
  r = await heaplens(['top', `parca://${p.hostPort}/api/v2/checkout?from=-3h`]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, new RegExp(`no Parca query API at http://${p.hostPort}/api/v2 \\(\\w+\\): check the base URL`));
});

/** A server that accepts connections and never answers (a stuck proxy); tracks the connections that carried a request. */
async function silentServer(): Promise<{ hostPort: string; requests: () => number; openWithRequest: () => number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const asked = new Set<net.Socket>();
  let requests = 0;
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.once('data', () => { requests++; asked.add(s); });
    s.on('close', () => { sockets.delete(s); asked.delete(s); });
    s.on('error', () => {});
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  return {
    hostPort: `127.0.0.1:${(srv.address() as net.AddressInfo).port}`,
    requests: () => requests,
    openWithRequest: () => asked.size,
    close: () => new Promise((resolve) => { for (const s of sockets) s.destroy(); srv.close(() => resolve()); }),
  };
}

test('a server that never answers: cancelling the load ends the request and its connection, for both kinds', async () => {
  const silent = await silentServer();
  const client = await LspClient.start({ root: dir });
  try {
    for (const url of [`pyroscope://${silent.hostPort}/checkout`, `parca://${silent.hostPort}/checkout`]) {
      const before = silent.requests();
      const cts = new CancellationTokenSource();
      const pending = client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url }, cts.token);
      // Cancel once the request has reached the server, as the progress notification's Cancel would.
      while (silent.requests() === before) await new Promise((r) => setTimeout(r, 20));
      const t0 = Date.now();
      cts.cancel();
      await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
      assert.ok(Date.now() - t0 < 5000, `${url}: cancelled after ${Date.now() - t0} ms`);
      const deadline = Date.now() + 5000;
      while (silent.openWithRequest() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.equal(silent.openWithRequest(), 0, `${url}: the connection that carried the request is closed`);
    }
    // The server is not stuck: the next load answers.
    const info = await client.conn.sendRequest(LoadProfileRequest.type, { folderUri: uriOf(dir), url: `pyroscope://${plain.hostPort}/checkout?from=-3h` });
    assert.equal(info.sampleType, 'alloc_space');
  } finally {
    await client.stop();
    await silent.close();
  }
});

test('the clients bound every call: a deadline for a server that never answers, a size limit for answers, for both kinds', async () => {
  // The clients as the server and the CLI bundle them (scripts/build.mjs), with short limits.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { fetchFleetProfile } = require(path.join(__dirname, '..', 'fleet.bundle.js')) as typeof import('../../server/src/fleet');
  const failsWith = (re: RegExp) => (e: Error) => { assert.match(e.message, re); return true; };
  const silent = await silentServer();
  const p = await startParca();
  try {
    for (const [kind, name] of [['pyroscope', 'Pyroscope'], ['parca', 'Parca']]) {
      const t0 = Date.now();
      await assert.rejects(fetchFleetProfile(`${kind}://${silent.hostPort}/checkout`, { timeoutMs: 1000 }),
        failsWith(new RegExp(`^${name} at http://${silent.hostPort} did not answer within 1 s$`)));
      assert.ok(Date.now() - t0 < 5000, `${kind}: gave up after ${Date.now() - t0} ms`);
    }
    await assert.rejects(fetchFleetProfile(`pyroscope://${plain.hostPort}/checkout?from=-3h`, { maxBytes: 1000 }),
      failsWith(/^the answer of Pyroscope at http:\/\/\S+ is larger than 1000 bytes; narrow the range or set maxNodes$/));
    await assert.rejects(fetchFleetProfile(`parca://${p.hostPort}/checkout?from=-3h`, { maxBytes: 1000 }),
      failsWith(/^the answer of Parca at http:\/\/\S+ is larger than 1000 bytes; narrow the range$/));
  } finally {
    await silent.close();
  }
});
