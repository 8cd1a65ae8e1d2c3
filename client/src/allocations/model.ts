// The Allocations view's tree as plain data: package → file → function (or kind) →
// allocation, with counts, filtered by text. Pure: no vscode import, unit-tested.
import type { AllocationItem } from '../../../server/src/protocol/lsp';

export type GroupBy = 'function' | 'kind';

export interface TreeNode {
  /** Stable within one build: the path of labels. */
  id: string;
  label: string;
  description?: string;
  /** Allocations under this node (1 for a leaf). */
  count: number;
  /** Measured cost under this node, when a profile is loaded. */
  value?: number;
  children: TreeNode[];
  item?: AllocationItem;
  level: 'package' | 'file' | 'group' | 'allocation';
}

const KIND_LABEL: Record<AllocationItem['kind'], string> = {
  'moved-to-heap': 'variables moved to the heap',
  'escapes-to-heap': 'values escaping to the heap',
};

/** Whether an item matches a filter: every word found in its title, function, file, package, kind or cost. */
export function matches(item: AllocationItem, filter: string, fileLabel: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = [item.title, item.function, fileLabel, item.package, item.kind, item.cold ?? '', item.cost ?? ''].join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/**
 * `fileLabel` turns a URI into what the user sees (a workspace-relative path).
 * Groups are ordered by measured cost when a profile is loaded, else by count;
 * allocations by cost, else by line.
 */
export function buildTree(items: AllocationItem[], opts: { groupBy: GroupBy; filter: string; fileLabel: (uri: string) => string }): TreeNode[] {
  const roots = new Map<string, TreeNode>();
  const child = (parent: Map<string, TreeNode> | TreeNode, key: string, label: string, level: TreeNode['level'], idPrefix: string): TreeNode => {
    const list = parent instanceof Map ? parent : undefined;
    const found = list ? list.get(key) : (parent as TreeNode).children.find((c) => c.id === `${idPrefix}/${key}`);
    if (found) return found;
    const node: TreeNode = { id: `${idPrefix}/${key}`, label, count: 0, children: [], level };
    if (list) list.set(key, node);
    else (parent as TreeNode).children.push(node);
    return node;
  };
  for (const item of items) {
    const file = opts.fileLabel(item.uri);
    if (!matches(item, opts.filter, file)) continue;
    const pkg = child(roots, item.package, item.package, 'package', '');
    const f = child(pkg, item.uri, file.split('/').pop() ?? file, 'file', pkg.id);
    f.description = file;
    const groupKey = opts.groupBy === 'function' ? item.function : item.kind;
    const g = child(f, groupKey, opts.groupBy === 'function' ? item.function : KIND_LABEL[item.kind], 'group', f.id);
    const line = item.range.start.line;
    g.children.push({
      id: `${g.id}/${line}:${item.range.start.character}:${item.kind}:${item.title}`,
      label: item.title,
      description: [`line ${line + 1}`, item.cost, item.cold ? 'cold path' : undefined].filter(Boolean).join(' · '),
      count: 1,
      ...(item.value !== undefined ? { value: item.value } : {}),
      children: [],
      item,
      level: 'allocation',
    });
    for (const n of [pkg, f, g]) {
      n.count++;
      if (item.value !== undefined) n.value = (n.value ?? 0) + Math.abs(item.value);
    }
  }
  const byWeight = (a: TreeNode, b: TreeNode) => (b.value ?? 0) - (a.value ?? 0) || b.count - a.count || a.label.localeCompare(b.label);
  const byLine = (a: TreeNode, b: TreeNode) => Math.abs(b.value ?? 0) - Math.abs(a.value ?? 0)
    || a.item!.range.start.line - b.item!.range.start.line || a.item!.range.start.character - b.item!.range.start.character;
  const finish = (nodes: TreeNode[]): TreeNode[] => {
    for (const n of nodes) {
      if (n.level === 'group') n.children.sort(byLine);
      else finish(n.children);
      if (n.level !== 'allocation' && n.level !== 'file') n.description = countText(n);
      else if (n.level === 'file') n.description = `${countText(n)} · ${n.description}`;
    }
    return nodes.sort((a, b) => (a.level === 'allocation' ? byLine(a, b) : byWeight(a, b)));
  };
  return finish([...roots.values()]);
}

function countText(n: TreeNode): string {
  return `${n.count} allocation${n.count === 1 ? '' : 's'}`;
}
