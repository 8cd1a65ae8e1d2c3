// The status bar item: what HeapLens knows about the package of the active Go file.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StatusParams } from '../../server/src/protocol/lsp';

export type ServerState = 'starting' | 'running' | 'untrusted' | 'stopped';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('heaplens.status', vscode.StatusBarAlignment.Left, 0);
  private readonly packages = new Map<string, StatusParams>();
  private server: ServerState = 'starting';
  private serverProblem = '';
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.item.name = 'HeapLens';
    this.item.command = 'heaplens.showOutput';
    this.subscriptions = [this.item, vscode.window.onDidChangeActiveTextEditor(() => this.render())];
    this.render();
  }

  setServer(state: ServerState, problem = ''): void {
    this.server = state;
    this.serverProblem = problem;
    if (state !== 'running') this.packages.clear();
    this.render();
  }

  onStatus(s: StatusParams): void {
    const known = this.packages.get(s.packageDir);
    // News from a run that a newer request already superseded.
    if (known?.generation !== undefined && s.generation !== undefined && s.generation < known.generation) return;
    // A cancelled run has a newer one right behind it.
    this.packages.set(s.packageDir, s.state === 'cancelled' ? { ...s, state: 'analysing' } : s);
    this.render();
  }

  private render(): void {
    const doc = vscode.window.activeTextEditor?.document;
    const isGo = doc?.languageId === 'go' && doc.uri.scheme === 'file';
    const { text, tooltip, warn } = this.describe(isGo ? doc.uri.fsPath : undefined);
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.backgroundColor = warn ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    if (isGo || this.server === 'untrusted' || this.server === 'stopped') this.item.show();
    else this.item.hide();
  }

  private describe(file: string | undefined): { text: string; tooltip: string; warn?: boolean } {
    switch (this.server) {
      case 'untrusted':
        return { text: '$(shield) HeapLens: restricted', tooltip: 'HeapLens does not run the Go toolchain in an untrusted workspace. Trust the workspace to see escape analysis.' };
      case 'stopped':
        return { text: '$(error) HeapLens: stopped', tooltip: `The HeapLens language server is not running. ${this.serverProblem}`.trim(), warn: true };
      case 'starting':
        return { text: '$(sync~spin) HeapLens', tooltip: 'HeapLens is starting' };
      case 'running':
        break;
    }
    const s = file ? this.packages.get(path.dirname(file)) : undefined;
    if (!file || !s) return { text: '$(flame) HeapLens', tooltip: 'HeapLens: save a Go file to analyse its package' };
    switch (s.state) {
      case 'analysing':
      case 'cancelled':
        return { text: '$(sync~spin) HeapLens: analysing…', tooltip: `Running escape analysis for ${s.packageDir}` };
      case 'unavailable':
        return { text: '$(warning) HeapLens: unavailable', tooltip: s.message ?? 'Escape analysis is unavailable', warn: true };
      case 'done': {
        // The same count as the Problems panel's HeapLens allocations and `heaplens escape`.
        const n = s.heapEscapes?.[file] ?? 0;
        const cold = s.coldAllocations?.[file] ?? 0;
        const took = s.durationMs !== undefined ? ` (compiler ran ${Math.round(s.durationMs)} ms)` : '';
        const coldText = cold ? `, plus ${cold} on cold paths or in tests (shown as hints)` : '';
        return {
          text: n ? `$(flame) ${n} heap allocation${n === 1 ? '' : 's'}` : '$(check) no heap allocations',
          tooltip: `HeapLens: ${n} heap allocation${n === 1 ? '' : 's'} in this file${coldText}${took}. Click for the log.`,
        };
      }
      default: {
        const never: never = s.state;
        return never;
      }
    }
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
