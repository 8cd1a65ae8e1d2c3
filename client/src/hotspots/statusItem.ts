// A second status bar item beside the escape-analysis one: the heap profile that
// annotates the active file's folder and the sample type shown. Click to switch type.
import * as vscode from 'vscode';
import type { Profiles } from './profiles';
import { sourceLabel } from './sourceLabel';

export class ProfileStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('heaplens.profile', vscode.StatusBarAlignment.Left, -1);
  private readonly subscriptions: vscode.Disposable[];

  constructor(private readonly profiles: Profiles) {
    this.item.name = 'HeapLens heap profile';
    this.item.command = 'heaplens.switchSampleType';
    this.subscriptions = [this.item, profiles.onDidChange(() => this.render()), vscode.window.onDidChangeActiveTextEditor(() => this.render())];
    this.render();
  }

  render(): void {
    const e = this.profiles.entry(this.profiles.folderFor(vscode.window.activeTextEditor?.document.uri)) ?? this.profiles.all()[0];
    if (!e) { this.item.hide(); return; }
    const name = sourceLabel(e.params.path || e.info.source);
    const diff = e.info.baseSource ? ` Δ ${sourceLabel(e.info.baseSource)}` : '';
    this.item.text = `$(pulse) ${name}${diff} · ${e.info.sampleType}`;
    this.item.tooltip = `HeapLens heap profile: ${e.info.source}${e.info.baseSource ? ` compared with ${e.info.baseSource}` : ''}\n` +
      `${e.info.sampleType}: ${e.info.total} in total, ${e.info.lines} lines annotated in ${e.info.resolvedFiles} files` +
      `${e.info.unresolvedFiles.length ? `\n${e.info.unresolvedFiles.length} files of the profile were not found here` : ''}\nClick to switch the sample type.`;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
  }
}
