// The read-only custom editor for pprof files. The profile is decoded once, in
// openCustomDocument, in a child process; each panel gets only the compact tree and
// answers the webview's messages (open source, pick or drop a base profile).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../../server/src/protocol/webview';
import type { DecodeInput, DecodeReply } from './decodeJob';
import { decodeInChild } from './decodeRunner';
import { buildWebviewHtml } from './html';
import { openSource } from './openSource';

export const PROFILE_VIEW_TYPE = 'heaplens.profile';
export const PROFILE_OPTION_VIEW_TYPE = 'heaplens.profileOption';

/** Where captured profiles came from (temp file URI -> URL), shown in the header. */
export const profileOrigins = new Map<string, string>();

export class ProfileDocument implements vscode.CustomDocument {
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the answer replaces the table shown while the call tree was built. */
  readonly onDidChange = this.changed.event;
  /** Stops a decode still running when the editor closes. */
  readonly closed = new AbortController();

  /** `input` is kept (compressed, small) so comparing can decode it again beside a base. */
  constructor(readonly uri: vscode.Uri, readonly input: DecodeInput | undefined, public result: DecodeReply) {}

  /** The final answer after an early table; a failure keeps the table and says what failed. */
  settle(r: DecodeReply): void {
    if (!r.ok && this.result.ok && this.result.message.type === 'profile') {
      const { meta, tree } = this.result.message;
      const cancelled = this.closed.signal.aborted;
      r = { ok: true, files: this.result.files, message: { type: 'profile', tree, meta: { ...meta, notes: [...meta.notes ?? [], `the call tree was not built: ${cancelled ? 'cancelled' : r.error}; the table is complete`] } } };
    }
    this.result = r;
    this.changed.fire();
  }

  dispose(): void {
    this.closed.abort();
    this.changed.dispose();
  }
}

async function readInput(uri: vscode.Uri, source: string): Promise<DecodeInput | string> {
  try {
    return { bytes: await vscode.workspace.fs.readFile(uri), source };
  } catch (e) {
    return `Cannot read ${source}: ${e instanceof Error ? e.message : String(e)}`;
  }
}

/** An AbortSignal that follows a VS Code cancellation token. */
function abortOn(token: vscode.CancellationToken): AbortSignal {
  const ac = new AbortController();
  if (token.isCancellationRequested) ac.abort();
  else token.onCancellationRequested(() => ac.abort());
  return ac.signal;
}

function describe(uri: vscode.Uri): string {
  return profileOrigins.get(uri.toString()) ?? (uri.scheme === 'file' ? uri.fsPath : uri.toString());
}

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  /** The panel the user last focused, so the Compare command knows its target. */
  private active: { pickBase(): Promise<void> } | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  async openCustomDocument(uri: vscode.Uri, _ctx: vscode.CustomDocumentOpenContext, token: vscode.CancellationToken): Promise<ProfileDocument> {
    // A million-sample profile takes seconds to decode: say so in the status bar.
    // The editor opens with the table as soon as the child has it; the call tree
    // follows (doc.settle), with the progress still in the status bar until then.
    return new Promise<ProfileDocument>((opened) => {
      void vscode.window.withProgress(
        { location: vscode.ProgressLocation.Window, title: `HeapLens: reading ${path.basename(uri.path)}` },
        async () => {
          const input = await readInput(uri, describe(uri));
          if (typeof input === 'string') { opened(new ProfileDocument(uri, undefined, { ok: false, error: input })); return; }
          let doc: ProfileDocument | undefined;
          const stop = new AbortController();
          const cancel = abortOn(token);
          if (cancel.aborted) stop.abort();
          else cancel.addEventListener('abort', () => { if (!doc) stop.abort(); });
          // The child gets a copy: `input` stays here for a later comparison.
          const r = await decodeInChild({ current: input }, stop.signal, undefined, undefined, vscode.workspace.isTrusted, (table) => {
            if (doc) return;
            doc = new ProfileDocument(uri, input, table);
            doc.closed.signal.addEventListener('abort', () => stop.abort());
            opened(doc);
          });
          if (doc) doc.settle(r);
          else opened(new ProfileDocument(uri, input, r));
        });
    });
  }

  async compareActive(): Promise<void> {
    if (!this.active) {
      void vscode.window.showInformationMessage('HeapLens: open a heap profile first, then compare it with a base profile.');
      return;
    }
    await this.active.pickBase();
  }

  resolveCustomEditor(doc: ProfileDocument, panel: vscode.WebviewPanel): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(media, 'out'), media] };
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'out', 'flamegraph.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, 'flamegraph.css')).toString(),
      title: path.basename(doc.uri.path),
    });
    // With a base: the union tree the child built from both profiles.
    let base: { files: string[]; message: ToWebview } | undefined;
    const disposed = new AbortController();
    const send = (m: ToWebview) => void webview.postMessage(m);
    const shown = () => (base ? base.message : doc.result.ok ? doc.result.message : { type: 'error' as const, message: doc.result.error });
    const redraw = () => send(shown());
    const pickBase = async () => {
      if (!doc.result.ok || !doc.input) return;
      const picked = await vscode.window.showOpenDialog({
        title: 'Pick the base profile to compare with', canSelectMany: false,
        defaultUri: vscode.Uri.joinPath(doc.uri, '..'),
        filters: { 'pprof profiles': ['gz', 'pprof', 'prof', 'pb', 'out'], 'All files': ['*'] },
      });
      if (!picked?.[0]) return;
      const input = await readInput(picked[0], describe(picked[0]));
      const r: DecodeReply = typeof input === 'string' ? { ok: false, error: input }
        : await decodeInChild({ current: doc.input, base: input }, disposed.signal, undefined, undefined, vscode.workspace.isTrusted);
      if (disposed.signal.aborted) return;
      if (!r.ok) {
        void vscode.window.showErrorMessage(`HeapLens: ${r.error}`);
        send({ type: 'notice', message: r.error });
        return;
      }
      base = { files: r.files, message: r.message };
      redraw();
    };
    const controller = { pickBase };
    this.active = controller;
    panel.onDidChangeViewState((e) => { if (e.webviewPanel.active) this.active = controller; });
    panel.onDidDispose(() => { disposed.abort(); if (this.active === controller) this.active = undefined; });
    const settled = doc.onDidChange(() => { if (!base) redraw(); });
    panel.onDidDispose(() => settled.dispose());

    webview.onDidReceiveMessage(async (raw: unknown) => {
      const m: FromWebview | undefined = parseFromWebview(raw);
      if (!m) return;
      switch (m.type) {
        case 'ready': redraw(); break;
        case 'openSource': {
          // Only files the profiles name: the webview is a boundary, not a file browser.
          const named = (files?: string[]) => !!files?.includes(m.file);
          if (m.file && !named(doc.result.ok ? doc.result.files : undefined) && !named(base?.files)) { send({ type: 'notice', message: `HeapLens: ${m.file} is not named by this profile.` }); break; }
          let message: string;
          try {
            message = await openSource(m.file, m.line, m.name);
          } catch (e) {
            message = `HeapLens: cannot open ${m.file}: ${e instanceof Error ? e.message : String(e)}`;
            void vscode.window.showErrorMessage(message);
          }
          send({ type: 'notice', message });
          break;
        }
        case 'pickBase': await pickBase(); break;
        case 'clearBase': base = undefined; redraw(); break;
        default: { const never: never = m; void never; }
      }
    });
  }
}
