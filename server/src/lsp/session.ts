// Builds the language server from features on a connection. server.ts passes the
// real connection and the real Go runner; nothing here is module-level state.
import {
  TextDocuments,
  TextDocumentSyncKind,
  type ClientCapabilities,
  type Connection,
  type InitializeResult,
  type ServerCapabilities,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Feature, ServerContext } from './features';
import { FindingsStore } from './findingsStore';
import { settingsSource } from './settingsSource';

export const SERVER_NAME = 'heaplens';

function mergeCapabilities(into: ServerCapabilities, add: ServerCapabilities): ServerCapabilities {
  return { ...into, ...add, experimental: { ...(into.experimental as object), ...(add.experimental as object) } };
}

export function startServer(connection: Connection, features: Feature[], version = '0.0.0'): ServerContext {
  const documents = new TextDocuments(TextDocument);
  let client: ClientCapabilities = {};
  let initOptions: unknown;
  const settings = settingsSource(connection, () => !!client.workspace?.configuration, () => initOptions);
  const settingsListeners: (() => void)[] = [];
  const stamp = () => new Date().toISOString().slice(11, 23);

  const ctx: ServerContext = {
    connection,
    documents,
    store: new FindingsStore(),
    hoverSections: [],
    diagnosticDecorators: [],
    codeLenses: [],
    settingsFor: (uri) => settings.settingsFor(uri),
    clientCapabilities: () => client,
    onDidChangeSettings: (listener) => { settingsListeners.push(listener); },
    log: (line) => connection.console.log(`[${stamp()}] ${line}`),
  };

  connection.onInitialize((params): InitializeResult => {
    client = params.capabilities;
    initOptions = params.initializationOptions;
    let capabilities: ServerCapabilities = { textDocumentSync: TextDocumentSyncKind.Incremental };
    for (const f of features) if (f.capabilities) capabilities = mergeCapabilities(capabilities, f.capabilities(client));
    return { capabilities, serverInfo: { name: SERVER_NAME, version } };
  });
  connection.onInitialized(() => {
    ctx.log(`HeapLens language server ${version} started (node ${process.version}, pid ${process.pid})`);
    for (const f of features) f.initialized?.(ctx);
  });
  connection.onDidChangeConfiguration(({ settings: pushed }) => {
    settings.changed(pushed);
    for (const l of settingsListeners) l();
  });
  let down = false;
  const shutdown = () => {
    if (down) return;
    down = true;
    for (const f of features) f.shutdown?.();
  };
  connection.onShutdown(shutdown);
  // Also when the client vanishes without `shutdown` (its pipe closed): aborting is
  // synchronous, so running `go` process groups are killed before this process ends.
  process.once('exit', shutdown);

  for (const f of features) f.activate(ctx);
  // One handler per connection: every feature's lenses, in feature order.
  connection.onCodeLens(({ textDocument }) => ctx.codeLenses.flatMap((lenses) => lenses(textDocument.uri)));
  documents.onDidClose(({ document }) => settings.forget(document.uri));
  documents.listen(connection);
  connection.listen();
  return ctx;
}
