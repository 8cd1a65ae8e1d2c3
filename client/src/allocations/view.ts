// The "HeapLens: Allocations" view in the Explorer: the server's heap allocations
// (heaplens/allocations) as a tree, refreshed when diagnostics change (an analysis
// finished, a profile added its costs), with a text filter and a group-by in the
// view's title bar. The tree itself is built by model.ts.
import * as vscode from 'vscode';
import { AllocationsRequest, type AllocationItem } from '../../../server/src/protocol/lsp';
import type { EscapeAnalysis } from '../escapeAnalysis';
import { buildTree, type GroupBy, type TreeNode } from './model';

export const VIEW_ID = 'heaplens.allocations';

export class AllocationsView implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private roots: TreeNode[] = [];
  private items: AllocationItem[] = [];
  private loading: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [this.changed];
  groupBy: GroupBy = 'function';
  filter = '';
  readonly treeView: vscode.TreeView<TreeNode>;

  constructor(private readonly escape: EscapeAnalysis) {
    this.treeView = vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: true });
    this.subscriptions.push(this.treeView,
      vscode.languages.onDidChangeDiagnostics(() => this.scheduleRefresh()),
      escape.onDidStart(() => this.scheduleRefresh()));
    this.scheduleRefresh();
  }

  /** Diagnostics arrive file by file: one request after they settle. */
  private scheduleRefresh(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => { this.timer = undefined; void this.refresh(); }, 300);
  }

  /** Asks the server again; resolves when the tree shows the answer. */
  refresh(): Promise<void> {
    const run = (async () => {
      const client = this.escape.running;
      this.items = client ? (await client.sendRequest(AllocationsRequest.type, {}).then((r) => r.items, () => this.items)) : [];
      this.rebuild();
    })();
    this.loading = run;
    return run;
  }

  private rebuild(): void {
    this.roots = buildTree(this.items, { groupBy: this.groupBy, filter: this.filter, fileLabel: (uri) => vscode.workspace.asRelativePath(vscode.Uri.parse(uri)) });
    const total = this.roots.reduce((n, r) => n + r.count, 0);
    this.treeView.description = this.filter ? `${total} matching “${this.filter}”` : this.items.length ? `${total}` : undefined;
    this.treeView.message = this.items.length
      ? (total ? undefined : `No allocation matches “${this.filter}”.`)
      : this.escape.running ? 'No heap allocations in the analysed packages. Open a Go file to analyse its package.' : 'Escape analysis is not running (trust the workspace, or see HeapLens: Show Output).';
    this.changed.fire();
  }

  setGroupBy(g: GroupBy): void { this.groupBy = g; this.rebuild(); }
  setFilter(f: string): void { this.filter = f.trim(); this.rebuild(); }

  /** The current tree (waits for a refresh in flight), for tests and commands. */
  async current(): Promise<TreeNode[]> {
    await this.loading;
    return this.roots;
  }

  getChildren(node?: TreeNode): TreeNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(node: TreeNode): vscode.TreeItem {
    const leaf = node.level === 'allocation';
    const t = new vscode.TreeItem(node.label, leaf ? vscode.TreeItemCollapsibleState.None
      : node.level === 'group' ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
    t.id = node.id;
    t.description = node.description;
    t.contextValue = `heaplens.${node.level}`;
    if (node.level === 'package') t.iconPath = new vscode.ThemeIcon('package');
    else if (node.level === 'group') t.iconPath = new vscode.ThemeIcon(this.groupBy === 'function' ? 'symbol-function' : 'symbol-enum');
    if (node.level === 'file' && node.children[0]?.children[0]?.item) {
      t.resourceUri = vscode.Uri.parse(node.children[0].children[0].item.uri);
      t.iconPath = vscode.ThemeIcon.File;
    }
    if (leaf && node.item) {
      const it = node.item;
      const uri = vscode.Uri.parse(it.uri);
      const r = it.range;
      t.iconPath = new vscode.ThemeIcon(it.cold ? 'circle-outline' : 'circle-filled', it.cold ? undefined : new vscode.ThemeColor(it.value ? 'charts.red' : 'charts.orange'));
      t.tooltip = new vscode.MarkdownString().appendText(it.title + (it.reason ? `: ${it.reason}` : ''))
        .appendMarkdown('\n\n').appendText([`${it.function} · line ${r.start.line + 1}`, it.cost ? `measured: ${it.cost}` : undefined, it.cold ? `cold: ${it.cold}` : undefined].filter(Boolean).join('\n'));
      t.command = {
        command: 'vscode.open',
        title: 'Open',
        arguments: [uri, { selection: new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character) } satisfies vscode.TextDocumentShowOptions],
      };
    }
    return t;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.subscriptions) d.dispose();
  }
}
