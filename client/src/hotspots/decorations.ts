// Heat marks for allocating lines: a coloured bar at the line's start and a mark in
// the overview ruler, in four contributed theme colours (hot, warm, mild, and
// shrinking in a diff), scaled to the profile's hottest line. The server computes
// the heat (heaplens/heat); this only paints it on the visible Go editors.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { HeatRequest, type HeatLine } from '../../../server/src/protocol/lsp';

type Level = 'high' | 'medium' | 'low' | 'shrink';

const COLORS: Record<Level, string> = {
  high: 'heaplens.heatHigh',
  medium: 'heaplens.heatMedium',
  low: 'heaplens.heatLow',
  shrink: 'heaplens.heatShrink',
};

export function heatLevel(l: Pick<HeatLine, 'heat' | 'value'>, isDiff: boolean): Level {
  if (isDiff && l.value < 0) return 'shrink';
  return l.heat >= 0.5 ? 'high' : l.heat >= 0.15 ? 'medium' : 'low';
}

export class HeatDecorations implements vscode.Disposable {
  private readonly types = new Map<Level, vscode.TextEditorDecorationType>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: () => LanguageClient | undefined) {
    for (const [level, id] of Object.entries(COLORS) as [Level, string][]) {
      const color = new vscode.ThemeColor(id);
      this.types.set(level, vscode.window.createTextEditorDecorationType({
        isWholeLine: true,
        borderColor: color,
        borderStyle: 'solid',
        borderWidth: '0 0 0 3px',
        overviewRulerColor: color,
        overviewRulerLane: vscode.OverviewRulerLane.Right,
      }));
    }
    this.subscriptions.push(
      vscode.window.onDidChangeVisibleTextEditors(() => this.refresh()),
      // The server moves annotations with edits; ask again once typing pauses.
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.languageId === 'go' && vscode.window.visibleTextEditors.some((ed) => ed.document === e.document)) this.refreshSoon();
      }),
    );
  }

  refreshSoon(delayMs = 300): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.refresh(), delayMs);
  }

  refresh(): void {
    for (const editor of vscode.window.visibleTextEditors) void this.paint(editor);
  }

  private async paint(editor: vscode.TextEditor): Promise<void> {
    const doc = editor.document;
    if (doc.languageId !== 'go' || doc.uri.scheme !== 'file') return;
    const c = this.client();
    const byLevel = new Map<Level, vscode.DecorationOptions[]>([...this.types.keys()].map((l) => [l, []]));
    if (c) {
      try {
        const heat = await c.sendRequest(HeatRequest.type, { uri: doc.uri.toString() });
        for (const l of heat.lines) {
          if (l.line >= doc.lineCount) continue;
          byLevel.get(heatLevel(l, heat.isDiff))!.push({ range: new vscode.Range(l.line, 0, l.line, 0), hoverMessage: undefined });
        }
      } catch {
        // Server restarting: the next refresh paints again.
      }
    }
    for (const [level, type] of this.types) editor.setDecorations(type, byLevel.get(level)!);
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const t of this.types.values()) t.dispose();
    for (const d of this.subscriptions) d.dispose();
  }
}
