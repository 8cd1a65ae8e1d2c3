// Extension entry: wires the features together; each lives in its own folder.
import type * as vscode from 'vscode';
import { registerAllocations } from './allocations/register';
import type { AllocationsView } from './allocations/view';
import { registerCommands } from './commands';
import { EscapeAnalysis } from './escapeAnalysis';
import { registerHotspots } from './hotspots/register';
import { registerProfileEditor } from './profileEditor/register';
import { registerWatch } from './watch/register';

let escape: EscapeAnalysis | undefined;

/** What activate() returns: the integration tests read the Allocations view through it. */
export interface HeapLensApi {
  allocations: AllocationsView;
}

export function activate(context: vscode.ExtensionContext): HeapLensApi {
  registerProfileEditor(context);
  escape = new EscapeAnalysis(context);
  context.subscriptions.push(escape);
  registerCommands(context, escape);
  registerHotspots(context, escape);
  registerWatch(context, escape);
  return { allocations: registerAllocations(context, escape) };
}

/** Returns the language client's stop, so VS Code waits for the server (and its go runs) to end. */
export function deactivate(): Thenable<void> | undefined {
  return escape?.stop();
}
