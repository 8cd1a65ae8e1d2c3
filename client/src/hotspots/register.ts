// One call from extension.ts wires the heap-profile overlays on the client side:
// commands, heat decorations, the profile status item and the workspace watcher.
// Everything else (inlay hints, hovers, code lenses, costs in diagnostics) comes
// from the language server through standard LSP.
import * as vscode from 'vscode';
import type { EscapeAnalysis } from '../escapeAnalysis';
import { registerFleetCommands } from '../fleet/commands';
import { clearProfile, loadBaseProfile, loadProfileFile, loadProfileUrl, showHotspots, switchSampleType, type HotspotCommandDeps } from './commands';
import { HeatDecorations } from './decorations';
import { Profiles } from './profiles';
import { ProfileStatusItem } from './statusItem';
import { offerToLoad, watchProfiles } from './watcher';
import { autoLoadProfiles } from './autoload';

export function registerHotspots(context: vscode.ExtensionContext, escape: EscapeAnalysis): void {
  const profiles = new Profiles(() => escape.running);
  const decorations = new HeatDecorations(() => profiles.running());
  const deps: HotspotCommandDeps = {
    profiles,
    notRunning: () => void vscode.window.showWarningMessage(escape.trusted
      ? 'HeapLens: the language server is not running (see HeapLens: Show Output).'
      : 'HeapLens: this workspace is not trusted, so HeapLens does not load profiles into the language server. Trust the workspace first.'),
  };
  const isActive = (uri: vscode.Uri) => profiles.all().some((e) => e.params.path === uri.fsPath);
  context.subscriptions.push(
    profiles,
    decorations,
    new ProfileStatusItem(profiles),
    profiles.onDidChange(() => decorations.refresh()),
    vscode.commands.registerCommand('heaplens.loadProfile', (uri?: vscode.Uri) => loadProfileFile(deps, uri instanceof vscode.Uri ? uri : undefined)),
    vscode.commands.registerCommand('heaplens.loadProfileFromUrl', () => loadProfileUrl(deps)),
    vscode.commands.registerCommand('heaplens.loadBaseProfile', () => loadBaseProfile(deps)),
    vscode.commands.registerCommand('heaplens.switchSampleType', () => switchSampleType(deps)),
    vscode.commands.registerCommand('heaplens.clearProfile', () => clearProfile(deps)),
    vscode.commands.registerCommand('heaplens.showHotspots', (folderUri?: string) => showHotspots(deps, folderUri)),
    ...registerFleetCommands(context, deps),
    // Offers need a running server: in an untrusted workspace the client never starts it.
    watchProfiles((uri) => void offerToLoad(uri, isActive(uri), (u) => loadProfileFile(deps, u)), () => profiles.running() !== undefined),
    autoLoadProfiles(deps, escape.onDidStart),
  );
}
