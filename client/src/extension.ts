// Extension entry: wires the features together; each lives in its own folder.
import type * as vscode from 'vscode';
import { registerProfileEditor } from './profileEditor/register';

export function activate(context: vscode.ExtensionContext): void {
  registerProfileEditor(context);
}

export function deactivate(): void {}
