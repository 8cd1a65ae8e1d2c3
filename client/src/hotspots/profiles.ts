// The client's side of the loaded heap profiles: which profile each workspace
// folder has, sending the load/clear/sample-type requests, and loading them again
// when the language server restarts (it keeps profiles in memory only).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import {
  ClearProfileRequest,
  LoadProfileRequest,
  SetSampleTypeRequest,
  type LoadProfileParams,
  type ProfileInfo,
} from '../../../server/src/protocol/lsp';

export interface LoadedEntry {
  params: LoadProfileParams;
  info: ProfileInfo;
}

export class Profiles implements vscode.Disposable {
  private readonly byFolder = new Map<string, LoadedEntry>();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires after a load, clear or sample-type switch. */
  readonly onDidChange = this.changed.event;
  private lastClient: LanguageClient | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {}

  /** The running client; when it is a new one (restart), the profiles are loaded into it again. */
  running(): LanguageClient | undefined {
    const c = this.client();
    if (c && c !== this.lastClient) {
      const hadClient = this.lastClient !== undefined;
      this.lastClient = c;
      if (hadClient && this.byFolder.size) void this.reloadAll(c);
    }
    return c;
  }

  private async reloadAll(c: LanguageClient): Promise<void> {
    for (const [folder, e] of [...this.byFolder]) {
      try {
        e.info = await c.sendRequest(LoadProfileRequest.type, { ...e.params, sampleType: e.info.sampleType });
      } catch {
        this.byFolder.delete(folder);
      }
    }
    this.changed.fire();
  }

  /** The folder key the server uses for a document or folder. */
  folderFor(uri: vscode.Uri | undefined): vscode.WorkspaceFolder | undefined {
    return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
  }

  entry(folder: vscode.WorkspaceFolder | undefined): LoadedEntry | undefined {
    return folder ? this.byFolder.get(folder.uri.toString()) : undefined;
  }

  all(): LoadedEntry[] {
    return [...this.byFolder.values()];
  }

  async load(c: LanguageClient, params: LoadProfileParams, token?: vscode.CancellationToken): Promise<ProfileInfo> {
    const info = await c.sendRequest(LoadProfileRequest.type, params, token);
    this.byFolder.set(info.folderUri, { params, info });
    this.changed.fire();
    return info;
  }

  async setSampleType(c: LanguageClient, folderUri: string, sampleType: string): Promise<ProfileInfo> {
    const info = await c.sendRequest(SetSampleTypeRequest.type, { folderUri, sampleType });
    const e = this.byFolder.get(folderUri);
    if (e) e.info = info;
    this.changed.fire();
    return info;
  }

  async clear(c: LanguageClient, folderUri: string): Promise<void> {
    await c.sendRequest(ClearProfileRequest.type, { folderUri });
    this.byFolder.delete(folderUri);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }
}
