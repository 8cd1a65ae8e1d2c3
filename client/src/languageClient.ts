// How the HeapLens language server is started and which documents it sees.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type ServerOptions } from 'vscode-languageclient/node';

export const CLIENT_ID = 'heaplens';
export const CLIENT_NAME = 'HeapLens';

export function createLanguageClient(context: vscode.ExtensionContext, outputChannel: vscode.OutputChannel): LanguageClient {
  const module = context.asAbsolutePath('server/out/server.js');
  // The quick-fix helper (gohelper/) is built once per Go version into the
  // extension's own storage, which VS Code removes with the extension; a
  // HEAPLENS_HELPER_CACHE the user set still wins. The CLI uses ~/.cache.
  const env = { ...process.env, HEAPLENS_HELPER_CACHE: process.env.HEAPLENS_HELPER_CACHE || path.join(context.globalStorageUri.fsPath, 'gohelper') };
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { env } },
    debug: { module, transport: TransportKind.ipc, options: { env, execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    // Go files on disk only: the go command cannot compile untitled buffers.
    documentSelector: [{ scheme: 'file', language: 'go' }],
    diagnosticCollectionName: CLIENT_ID,
    outputChannel,
    // The server reads `heaplens.*` and `go.*` through workspace/configuration and
    // registers for their changes itself.
  };
  return new LanguageClient(CLIENT_ID, CLIENT_NAME, serverOptions, clientOptions);
}
