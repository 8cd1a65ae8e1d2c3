// One call from extension.ts wires the profile editor and its commands.
import * as vscode from 'vscode';
import { compareWithBase, openMemprofile, openProfileFromUrl } from './commands';
import { PROFILE_OPTION_VIEW_TYPE, PROFILE_VIEW_TYPE, ProfileEditorProvider } from './provider';

export function registerProfileEditor(context: vscode.ExtensionContext): void {
  const provider = new ProfileEditorProvider(context.extensionUri);
  const options = { webviewOptions: { retainContextWhenHidden: true }, supportsMultipleEditorsPerDocument: true };
  context.subscriptions.push(
    // Same editor twice: default for *.pb.gz/*.pprof/..., "Reopen With" for mem.out-style files.
    vscode.window.registerCustomEditorProvider(PROFILE_VIEW_TYPE, provider, options),
    vscode.window.registerCustomEditorProvider(PROFILE_OPTION_VIEW_TYPE, provider, options),
    vscode.commands.registerCommand('heaplens.openProfileFromUrl', () => openProfileFromUrl(context.globalStorageUri)),
    vscode.commands.registerCommand('heaplens.openMemprofile', () => openMemprofile()),
    vscode.commands.registerCommand('heaplens.compareProfile', () => compareWithBase(provider)),
  );
}
