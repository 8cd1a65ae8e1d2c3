// The language client's life: started only in a trusted workspace (the server
// runs the Go toolchain, which can execute workspace code), restarted on demand.
import * as vscode from 'vscode';
import { State, type LanguageClient } from 'vscode-languageclient/node';
import { StatusNotification } from '../../server/src/protocol/lsp';
import { createLanguageClient } from './languageClient';
import { StatusBar } from './statusBar';

export class EscapeAnalysis implements vscode.Disposable {
  readonly output = vscode.window.createOutputChannel('HeapLens');
  readonly status = new StatusBar();
  private client: LanguageClient | undefined;
  private readonly started = new vscode.EventEmitter<LanguageClient>();
  /** Fires each time a language client has started (first start and restarts). */
  readonly onDidStart = this.started.event;
  private readonly subscriptions: vscode.Disposable[] = [this.output, this.status, this.started];

  constructor(private readonly context: vscode.ExtensionContext) {
    if (vscode.workspace.isTrusted) {
      void this.start();
    } else {
      this.status.setServer('untrusted');
      this.output.appendLine('Workspace not trusted: HeapLens will not run the Go toolchain until you trust it.');
      this.subscriptions.push(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.start()));
    }
  }

  /** The running client, or undefined (untrusted workspace, or stopped). */
  get running(): LanguageClient | undefined {
    return this.client?.isRunning() ? this.client : undefined;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  async start(): Promise<void> {
    if (this.client || !vscode.workspace.isTrusted) return;
    this.status.setServer('starting');
    const client = createLanguageClient(this.context, this.output);
    this.client = client;
    try {
      await client.start();
      client.onNotification(StatusNotification.type, (s) => this.status.onStatus(s));
      this.status.setServer('running');
      this.started.fire(client);
      // The client restarts a crashed server by itself; the status bar follows.
      this.subscriptions.push(client.onDidChangeState(({ newState }) => {
        if (this.client !== client) return;
        if (newState === State.Running) this.status.setServer('running');
        else if (newState === State.Stopped) this.status.setServer('stopped', 'It stopped; see HeapLens: Show Output.');
      }));
    } catch (err) {
      this.client = undefined;
      const why = err instanceof Error ? err.message : String(err);
      this.output.appendLine(`HeapLens language server failed to start: ${why}`);
      this.status.setServer('stopped', why);
    }
  }

  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  /** What `deactivate()` returns: the client's stop, so VS Code waits for the server to exit. */
  stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return Promise.resolve();
    this.status.setServer('stopped');
    return client.stop();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
