// The HeapLens language server. Thin wiring: the logic lives in server/src/lsp/.
// In VS Code the client starts it over IPC; other editors run
// `node server/out/server.js --stdio`.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { runEscapeAnalysis } from './escape/run';
import { assertionsFeature } from './lsp/assertionsFeature';
import { codeActionsFeature } from './lsp/codeActionsFeature';
import { escapeFeature } from './lsp/escapeFeature';
import { hoverFeature } from './lsp/hoverFeature';
import { profileFeature } from './lsp/profileFeature';
import { startServer } from './lsp/session';

const connection = createConnection(ProposedFeatures.all);

startServer(connection, [
  escapeFeature({ runGo: runEscapeAnalysis }),
  hoverFeature,
  codeActionsFeature,
  profileFeature(),
  assertionsFeature(),
], '0.1.0');
