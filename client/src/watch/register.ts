// "HeapLens: Watch Heap of a Running Service…": the language server takes the
// snapshots and ranks growth (server/src/lsp/watchFeature.ts); here are the
// command, the status bar item while watching, the notices and the live view.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  WatchNoticeNotification, WatchSetBaseRequest, WatchSnapshotNotification, WatchStartRequest, WatchStopRequest,
  type WatchSnapshotParams,
} from '../../../server/src/protocol/lsp';
import { parseFromWatchView, type ToWatchView } from '../../../server/src/protocol/watchView';
import type { EscapeAnalysis } from '../escapeAnalysis';
import { buildWatchHtml } from './liveHtml';

interface Active { folderUri: string; base: string; last?: WatchSnapshotParams; status: string }

export function registerWatch(context: vscode.ExtensionContext, escape: EscapeAnalysis): void {
  const item = vscode.window.createStatusBarItem('heaplens.watch', vscode.StatusBarAlignment.Left, -2);
  item.name = 'HeapLens heap watch';
  item.command = 'heaplens.showWatch';
  let active: Active | undefined;
  let panel: vscode.WebviewPanel | undefined;
  let listening: LanguageClient | undefined;

  const post = (m: ToWatchView) => void panel?.webview.postMessage(m);
  const render = () => {
    if (!active) { item.hide(); post({ type: 'status', text: 'not watching', watching: false }); return; }
    const s = active.last;
    const leaks = s ? s.lines.filter((l) => l.verdict === 'leak').length + s.goroutines.filter((g) => g.verdict === 'leak').length : 0;
    item.text = `$(eye) ${new URL(active.base).host}${s ? ` · #${s.points[s.points.length - 1].seq}` : ''}${leaks ? ` · $(warning) ${leaks} leak suspect${leaks > 1 ? 's' : ''}` : ''}`;
    item.tooltip = `HeapLens is watching ${active.base}: ${active.status}\nClick for the live view.`;
    item.show();
    post({ type: 'status', text: active.status, watching: true });
  };

  const listen = (c: LanguageClient) => {
    if (listening === c) return;
    listening = c;
    context.subscriptions.push(
      c.onNotification(WatchSnapshotNotification.type, (s) => {
        if (!active || s.folderUri !== active.folderUri) return;
        active.last = s;
        const p = s.points[s.points.length - 1];
        active.status = `snapshot #${p.seq} at ${new Date(p.takenAt).toLocaleTimeString()}, ${s.points.length} kept`;
        render();
        post({ type: 'update', snapshot: s });
      }),
      c.onNotification(WatchNoticeNotification.type, (n) => {
        if (!active || n.folderUri !== active.folderUri) return;
        // The server says each problem once; a stop the user asked for needs no message.
        // A service without Go's goroutineleak profile is the common case: the live view says it, no pop-up.
        if (n.kind !== 'stopped' && n.kind !== 'no-goroutineleak') void (n.kind === 'back' ? vscode.window.showInformationMessage(`HeapLens: ${n.message}`) : vscode.window.showWarningMessage(`HeapLens: ${n.message}`));
        if (n.kind === 'no-goroutineleak') return;
        active.status = n.message;
        if (n.stopped) active = undefined;
        render();
      }),
    );
  };

  const start = async () => {
    const c = escape.running;
    if (!c) {
      void vscode.window.showWarningMessage(escape.trusted ? 'HeapLens: the language server is not running (see HeapLens: Show Output).' : 'HeapLens: trust this workspace first: in Restricted Mode HeapLens starts no process.');
      return;
    }
    const url = await vscode.window.showInputBox({
      title: 'Watch the heap of a running Go service (net/http/pprof)',
      value: 'http://127.0.0.1:6060/debug/pprof/',
      prompt: 'The service\'s pprof index. HeapLens takes heap and goroutine snapshots and shows what keeps growing.',
      validateInput: (v) => (/^https?:\/\/\S+$/i.test(v.trim()) ? undefined : 'an http:// or https:// URL'),
    });
    if (!url) return;
    const folder = vscode.window.activeTextEditor ? vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri) : vscode.workspace.workspaceFolders?.[0];
    const cfg = vscode.workspace.getConfiguration('heaplens.watch', folder);
    const storage = context.storageUri ?? context.globalStorageUri;
    listen(c);
    try {
      const folderUri = folder?.uri.toString() ?? '';
      const r = await c.sendRequest(WatchStartRequest.type, {
        folderUri: folder?.uri.toString(), url: url.trim(),
        everyMs: Math.round(Math.max(0.1, cfg.get<number>('intervalSeconds', 30)) * 1000),
        gc: cfg.get<boolean>('forceGC', false), keep: cfg.get<number>('keep', 60),
        storageDir: vscode.Uri.joinPath(storage, 'watch', encodeURIComponent(folderUri || 'default')).fsPath,
      });
      active = { folderUri, base: r.base, status: 'waiting for the first snapshot' };
      render();
      showPanel();
    } catch (e) {
      void vscode.window.showErrorMessage(`HeapLens: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const stop = async () => {
    const c = escape.running;
    if (active && c) await c.sendRequest(WatchStopRequest.type, { folderUri: active.folderUri });
    active = undefined;
    render();
  };

  const showPanel = () => {
    if (panel) { panel.reveal(undefined, true); return; }
    const media = vscode.Uri.joinPath(context.extensionUri, 'media');
    panel = vscode.window.createWebviewPanel('heaplens.watch', 'Heap Watch', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, {
      enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: true,
    });
    panel.webview.html = buildWatchHtml({
      cspSource: panel.webview.cspSource,
      scriptUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'out', 'watch.js')).toString(),
      styleUri: panel.webview.asWebviewUri(vscode.Uri.joinPath(media, 'watch.css')).toString(),
      title: active ? `Heap watch of ${active.base}` : 'Heap watch',
    });
    panel.webview.onDidReceiveMessage(async (raw) => {
      const m = parseFromWatchView(raw);
      if (!m) return;
      if (m.type === 'ready') { render(); if (active?.last) post({ type: 'update', snapshot: active.last }); }
      else if (m.type === 'stop') await stop();
      else if (m.type === 'open') {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
        const pos = new vscode.Position(m.line - 1, 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(pos, pos) });
      } else if (m.type === 'setBase' && active && escape.running) {
        await escape.running.sendRequest(WatchSetBaseRequest.type, { folderUri: active.folderUri, seq: m.seq })
          .then(undefined, (e: unknown) => vscode.window.showWarningMessage(`HeapLens: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
    panel.onDidDispose(() => { panel = undefined; });
  };

  context.subscriptions.push(
    item,
    { dispose: () => panel?.dispose() },
    vscode.commands.registerCommand('heaplens.watchService', start),
    vscode.commands.registerCommand('heaplens.stopWatch', stop),
    vscode.commands.registerCommand('heaplens.showWatch', () => (active ? showPanel() : start())),
  );
}
