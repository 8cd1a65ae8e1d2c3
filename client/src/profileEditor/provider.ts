// The read-only custom editor for pprof files. The profile is decoded once, in
// openCustomDocument; each panel gets only the compact tree and answers the
// webview's messages (open source, pick or drop a base profile).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parseFromWebview, type FromWebview, type ToWebview } from '../../../server/src/protocol/webview';
import { buildWebviewHtml } from './html';
import { incompatible, isLoaded, loadProfile, profileMessage, type LoadedProfile, type LoadResult } from './load';
import { openSource } from './openSource';

export const PROFILE_VIEW_TYPE = 'heaplens.profile';
export const PROFILE_OPTION_VIEW_TYPE = 'heaplens.profileOption';

/** Where captured profiles came from (temp file URI -> URL), shown in the header. */
export const profileOrigins = new Map<string, string>();

export class ProfileDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri, readonly result: LoadResult) {}
  dispose(): void {}
}

export async function readProfile(uri: vscode.Uri, source: string): Promise<LoadResult> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    return { source, error: `Cannot read ${source}: ${e instanceof Error ? e.message : String(e)}` };
  }
  return loadProfile(bytes, source);
}

function describe(uri: vscode.Uri): string {
  return profileOrigins.get(uri.toString()) ?? (uri.scheme === 'file' ? uri.fsPath : uri.toString());
}

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  /** The panel the user last focused, so the Compare command knows its target. */
  private active: { pickBase(): Promise<void> } | undefined;

  constructor(private readonly extensionUri: vscode.Uri) {}

  async openCustomDocument(uri: vscode.Uri): Promise<ProfileDocument> {
    // A million-sample profile takes seconds to decode: say so in the status bar.
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `HeapLens: reading ${path.basename(uri.path)}` },
      () => readProfile(uri, describe(uri)));
    return new ProfileDocument(uri, result);
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
    let base: LoadedProfile | undefined;
    const send = (m: ToWebview) => void webview.postMessage(m);
    const redraw = () => send(profileMessage(doc.result, base));
    const pickBase = async () => {
      if (!isLoaded(doc.result)) return;
      const picked = await vscode.window.showOpenDialog({
        title: 'Pick the base profile to compare with', canSelectMany: false,
        defaultUri: vscode.Uri.joinPath(doc.uri, '..'),
        filters: { 'pprof profiles': ['gz', 'pprof', 'prof', 'pb', 'out'], 'All files': ['*'] },
      });
      if (!picked?.[0]) return;
      const r = await readProfile(picked[0], describe(picked[0]));
      const why = isLoaded(r) ? incompatible(doc.result, r) : r.error;
      if (why || !isLoaded(r)) {
        void vscode.window.showErrorMessage(`HeapLens: ${why}`);
        send({ type: 'notice', message: why ?? '' });
        return;
      }
      base = r;
      redraw();
    };
    const controller = { pickBase };
    this.active = controller;
    panel.onDidChangeViewState((e) => { if (e.webviewPanel.active) this.active = controller; });
    panel.onDidDispose(() => { if (this.active === controller) this.active = undefined; });

    webview.onDidReceiveMessage(async (raw: unknown) => {
      const m: FromWebview | undefined = parseFromWebview(raw);
      if (!m) return;
      switch (m.type) {
        case 'ready': redraw(); break;
        case 'openSource': {
          // Only files the profiles name: the webview is a boundary, not a file browser.
          const named = (p?: LoadResult) => !!p && isLoaded(p) && p.agg.files.includes(m.file);
          if (m.file && !named(doc.result) && !named(base)) { send({ type: 'notice', message: `HeapLens: ${m.file} is not named by this profile.` }); break; }
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
