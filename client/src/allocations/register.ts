// Wires the Allocations view and its title-bar commands (filter, group-by, refresh).
import * as vscode from 'vscode';
import type { EscapeAnalysis } from '../escapeAnalysis';
import type { GroupBy } from './model';
import { AllocationsView } from './view';

export function registerAllocations(context: vscode.ExtensionContext, escape: EscapeAnalysis): AllocationsView {
  const view = new AllocationsView(escape);
  context.subscriptions.push(view,
    vscode.commands.registerCommand('heaplens.allocations.refresh', () => view.refresh()),
    vscode.commands.registerCommand('heaplens.allocations.filter', async () => {
      const f = await vscode.window.showInputBox({
        title: 'Filter allocations',
        prompt: 'Words to find in the allocation, its function, file, package or kind (empty: show all)',
        value: view.filter,
      });
      if (f !== undefined) view.setFilter(f);
    }),
    vscode.commands.registerCommand('heaplens.allocations.groupBy', async () => {
      const picks: (vscode.QuickPickItem & { g: GroupBy })[] = [
        { label: 'Function', description: 'package → file → function', g: 'function' },
        { label: 'Kind', description: 'package → file → moved variables / escaping values', g: 'kind' },
      ];
      const pick = await vscode.window.showQuickPick(picks, { title: 'Group allocations by', placeHolder: `now: ${view.groupBy}` });
      if (pick) view.setGroupBy(pick.g);
    }));
  return view;
}
