// A small LSP client for tests: starts the BUNDLED server (`node server/out/server.js
// --stdio`), speaks real JSON-RPC over its stdio, answers `workspace/configuration`
// from a settings object, and lets tests wait on notifications (never on sleeps).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidChangeConfigurationNotification,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DidSaveTextDocumentNotification,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  LogMessageNotification,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  WorkDoneProgressCreateRequest,
  type Diagnostic,
  type Hover,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { AnalyzePackageRequest, StatusNotification, type AnalyzePackageResult, type StatusParams } from '../../server/src/protocol/lsp';
import { repoRoot } from './goFixture';

/** The bundled server; HEAPLENS_SERVER points the tests at another build of it. */
export const serverPath = process.env.HEAPLENS_SERVER ?? path.join(repoRoot, 'server', 'out', 'server.js');

export const uriOf = (p: string) => pathToFileURL(p).href;
const pathOf = (uri: string) => fileURLToPath(uri);

interface Waiter<T> { match(v: T): boolean; resolve(v: T): void; reject(e: Error): void }

/** Events of one kind that tests can wait for; only events after the wait began count. */
class Events<T> {
  readonly all: T[] = [];
  private waiters: Waiter<T>[] = [];
  private failure: Error | undefined;
  /** The server is gone: every wait, now and later, fails with `err`. */
  fail(err: Error): void {
    this.failure = err;
    for (const w of this.waiters.splice(0)) w.reject(err);
  }
  push(v: T): void {
    this.all.push(v);
    for (const w of [...this.waiters]) {
      if (w.match(v)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(v);
      }
    }
  }
  next(match: (v: T) => boolean, what: string, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      if (this.failure) return reject(this.failure);
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      const waiter: Waiter<T> = {
        match,
        resolve: (v) => { clearTimeout(timer); resolve(v); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.waiters.push(waiter);
    });
  }
}

export interface StartOptions {
  /** Workspace folder. */
  root: string;
  /** What `workspace/configuration` answers, per section ('heaplens', 'go'). */
  settings?: Record<string, unknown>;
  /** Per-scope answers instead (multi-root): called with the scope URI and the section. */
  scopedSettings?: (scopeUri: string | undefined, section: string) => unknown;
  /** Extra workspace folders (multi-root); `root` is the first. */
  folders?: string[];
  env?: NodeJS.ProcessEnv;
}

export class LspClient {
  readonly diagnostics = new Events<PublishDiagnosticsParams>();
  readonly status = new Events<StatusParams>();
  readonly logs: string[] = [];
  readonly progress: unknown[] = [];
  /** The latest diagnostics per file path. */
  readonly latest = new Map<string, Diagnostic[]>();
  settings: Record<string, unknown>;
  /** Set when the server exited before `stop()`. */
  died: Error | undefined;
  private stopping = false;
  private readonly pending = new Set<(e: Error) => void>();
  private versions = new Map<string, number>();
  private stderr = '';

  private constructor(readonly proc: ChildProcessWithoutNullStreams, readonly conn: ProtocolConnection, settings: Record<string, unknown>) {
    this.settings = settings;
  }

  static async start(opts: StartOptions): Promise<LspClient> {
    if (!fs.existsSync(serverPath)) throw new Error(`${serverPath} is missing: run node scripts/build.mjs`);
    const proc = spawn(process.execPath, [serverPath, '--stdio'], { env: opts.env ?? process.env, stdio: 'pipe' });
    const conn = createProtocolConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
    const client = new LspClient(proc, conn, opts.settings ?? {});
    proc.stderr.on('data', (d: Buffer) => { client.stderr += d.toString(); });
    proc.on('exit', (code, signal) => {
      if (client.stopping) return;
      const err = new Error(`the server exited (code ${code}, signal ${signal}) — stderr:\n${client.stderr}`);
      client.died = err;
      client.diagnostics.fail(err);
      client.status.fail(err);
      for (const reject of client.pending) reject(err);
    });
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      client.latest.set(pathOf(p.uri), p.diagnostics);
      client.diagnostics.push(p);
    });
    conn.onNotification(StatusNotification.type, (p) => client.status.push(p));
    conn.onNotification(LogMessageNotification.type, (p) => { client.logs.push(p.message); });
    conn.onNotification('$/progress', (p: unknown) => { client.progress.push(p); });
    conn.onNotification('window/showMessage', (p: { message: string }) => { client.logs.push(`showMessage: ${p.message}`); });
    conn.onRequest('window/showMessageRequest', (p: { message: string }) => {
      client.logs.push(`showMessage: ${p.message}`);
      return null;
    });
    conn.onRequest(WorkDoneProgressCreateRequest.type, () => null);
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest(ConfigurationRequest.type, (params) => params.items.map((i) =>
      (opts.scopedSettings ? opts.scopedSettings(i.scopeUri, i.section ?? '') : client.settings[i.section ?? '']) ?? null));
    conn.listen();
    await conn.sendRequest(InitializeRequest.type, {
      processId: process.pid,
      rootUri: uriOf(opts.root),
      workspaceFolders: [opts.root, ...(opts.folders ?? [])].map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
      capabilities: {
        workspace: { configuration: true, didChangeConfiguration: { dynamicRegistration: true } },
        window: { workDoneProgress: true },
        textDocument: {
          hover: { contentFormat: ['markdown', 'plaintext'] },
          publishDiagnostics: { relatedInformation: true },
          synchronization: { didSave: true },
        },
      },
    });
    await conn.sendNotification(InitializedNotification.type, {});
    return client;
  }

  /** The server's stderr so far (for failure messages). */
  get serverStderr(): string {
    return this.stderr;
  }

  /** Waits for the next diagnostics published for `file` that satisfy `match`. */
  nextDiagnostics(file: string, match: (d: Diagnostic[]) => boolean = () => true, timeoutMs = 60_000): Promise<Diagnostic[]> {
    return this.diagnostics.next((p) => pathOf(p.uri) === file && match(p.diagnostics), `diagnostics for ${file}`, timeoutMs)
      .then((p) => p.diagnostics);
  }

  nextStatus(match: (s: StatusParams) => boolean, timeoutMs = 60_000): Promise<StatusParams> {
    return this.status.next(match, 'status', timeoutMs);
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8')): Promise<void> {
    this.versions.set(file, 1);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: uriOf(file), languageId: 'go', version: 1, text },
    });
  }

  /** Replaces the whole buffer (unsaved). */
  async change(file: string, text: string): Promise<void> {
    const version = (this.versions.get(file) ?? 1) + 1;
    this.versions.set(file, version);
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri: uriOf(file), version },
      contentChanges: [{ text }],
    });
  }

  async save(file: string): Promise<void> {
    await this.conn.sendNotification(DidSaveTextDocumentNotification.type, { textDocument: { uri: uriOf(file) } });
  }

  /** A request that fails (instead of hanging) if the server dies before answering. */
  private request<R>(send: () => Promise<R>): Promise<R> {
    if (this.died) return Promise.reject(this.died);
    let rejectIt!: (e: Error) => void;
    const died = new Promise<never>((_, reject) => { rejectIt = reject; });
    this.pending.add(rejectIt);
    return Promise.race([send(), died]).finally(() => this.pending.delete(rejectIt));
  }

  hover(file: string, line: number, character: number): Promise<Hover | null> {
    return this.request(() => this.conn.sendRequest(HoverRequest.type, { textDocument: { uri: uriOf(file) }, position: { line, character } }));
  }

  analyze(file: string): Promise<AnalyzePackageResult> {
    return this.request(() => this.conn.sendRequest(AnalyzePackageRequest.type, { uri: uriOf(file) }));
  }

  async changeSettings(settings: Record<string, unknown>): Promise<void> {
    this.settings = settings;
    await this.conn.sendNotification(DidChangeConfigurationNotification.type, { settings: null });
  }

  /** shutdown + exit, then waits for the process to end. */
  async stop(): Promise<number | null> {
    this.stopping = true;
    const exited = new Promise<number | null>((resolve) => {
      if (this.proc.exitCode !== null) resolve(this.proc.exitCode);
      else this.proc.once('exit', (code) => resolve(code));
    });
    try {
      await this.conn.sendRequest(ShutdownRequest.type);
      await this.conn.sendNotification(ExitNotification.type);
    } catch {
      this.proc.kill();
    }
    const code = await exited;
    this.conn.dispose();
    return code;
  }
}

/** Text of a file's line (0-based), for computing expected UTF-16 columns. */
export function lineOf(file: string, line0: number): string {
  return fs.readFileSync(file, 'utf8').split('\n')[line0];
}
