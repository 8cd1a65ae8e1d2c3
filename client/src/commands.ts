// The command palette entries of escape analysis, in one table registered in one
// place, with one answer when the server is not running.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { AnalyzePackageRequest } from '../../server/src/protocol/lsp';
import type { EscapeAnalysis } from './escapeAnalysis';

type Handler = (escape: EscapeAnalysis, client: LanguageClient | undefined) => unknown;

interface CommandSpec {
  /** Needs the language server running. */
  needsServer: boolean;
  run: Handler;
}

const analyzeCurrentPackage: Handler = async (_escape, client) => {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'go' || doc.uri.scheme !== 'file') {
    void vscode.window.showInformationMessage('HeapLens: open a Go file to analyse its package.');
    return;
  }
  if (doc.isDirty) await doc.save();
  const result = await client!.sendRequest(AnalyzePackageRequest.type, { uri: doc.uri.toString() });
  if (result.state === 'unavailable') void vscode.window.showWarningMessage(`HeapLens: ${result.message ?? 'escape analysis unavailable'}`);
  else vscode.window.setStatusBarMessage(`HeapLens: ${result.findings} findings in ${vscode.workspace.asRelativePath(result.packageDir)}`, 4000);
  return result;
};

export const commands: Record<string, CommandSpec> = {
  'heaplens.analyzePackage': { needsServer: true, run: analyzeCurrentPackage },
  'heaplens.showOutput': { needsServer: false, run: (escape) => escape.output.show(true) },
  'heaplens.restartServer': { needsServer: false, run: (escape) => escape.trusted ? escape.restart() : notRunning(escape) },
};

function notRunning(escape: EscapeAnalysis): void {
  const why = escape.trusted
    ? 'the HeapLens language server is not running (see HeapLens: Show Output).'
    : 'this workspace is not trusted, so HeapLens does not run the Go toolchain. Trust the workspace to analyse it.';
  void vscode.window.showWarningMessage(`HeapLens: ${why}`);
}

export function registerCommands(context: vscode.ExtensionContext, escape: EscapeAnalysis): void {
  for (const [id, spec] of Object.entries(commands)) {
    context.subscriptions.push(vscode.commands.registerCommand(id, () => {
      const client = escape.running;
      if (spec.needsServer && !client) return notRunning(escape);
      return spec.run(escape, client);
    }));
  }
}
