// The HeapLens language server. Thin wiring: the logic lives in server/src/lsp/.
// In VS Code the client starts it over IPC; other editors run
// `node server/out/server.js --stdio`.
import { runEscapeAnalysis } from './escape/run';
import { createGuardedConnection } from './limits/guardedConnection';
import { allocationsFeature } from './lsp/allocationsFeature';
import { assertionsFeature } from './lsp/assertionsFeature';
import { codeActionsFeature } from './lsp/codeActionsFeature';
import { escapeFeature } from './lsp/escapeFeature';
import { hoverFeature } from './lsp/hoverFeature';
import { lintFeature } from './lsp/lintFeature';
import { profileFeature } from './lsp/profileFeature';
import { startServer } from './lsp/session';

// Incoming messages are checked before vscode-jsonrpc sees them (limits/jsonDepth.ts).
const connection = createGuardedConnection();

startServer(connection, [
  escapeFeature({ runGo: runEscapeAnalysis }),
  hoverFeature,
  codeActionsFeature,
  profileFeature(),
  assertionsFeature(),
  allocationsFeature,
  lintFeature(), // last: publishes its lints after every other feature's diagnostics
], '0.1.0');
