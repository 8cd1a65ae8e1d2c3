// The table view: every function with flat and cum (sortable, like pprof -top), and for
// the selected one its direct callers and callees (like pprof -peek) with buttons to
// focus the graph on its callees or callers, or to leave its stacks out.
// Every name goes into the page as text, never as markup.
import type { FlameTree } from '../../../server/src/protocol/webview';
import { formatPercent, formatValue } from './format';
import { functionTable, peek, sortRows, type FunctionRow, type SortKey } from './transform';

export interface TableDeps {
  toolbar: HTMLElement;
  /** The table goes right after this element. */
  after: HTMLElement;
  /** Hidden while the table shows. */
  chart: HTMLElement;
  /** `building`: the call tree is still being built (the rows are complete, callers and callees are not). */
  current(): { tree: FlameTree; t: number; unit: string; building: boolean } | undefined;
  focus(name: string, mode: 'callees' | 'callers'): void;
  ignore(name: string): void;
}

export interface TableView {
  refresh(): void;
  readonly shown: boolean;
  /** Shows (or hides) the table as its toggle does. */
  show(on: boolean): void;
  /** Whether the toggle can be used (not while the graph is being built). */
  setToggleEnabled(on: boolean): void;
}

/** Rows drawn at most: the rest are counted, and searching the graph finds them. */
const MAX_ROWS = 1000;

export function createTableView(deps: TableDeps): TableView {
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.id = 'tableToggle';
  toggle.textContent = 'Table';
  toggle.title = 'Every function with flat and cum, sortable; select one for its callers and callees';
  toggle.setAttribute('aria-pressed', 'false');
  const spacer = deps.toolbar.querySelector('.spacer');
  deps.toolbar.insertBefore(toggle, spacer);

  const root = document.createElement('div');
  root.id = 'table';
  root.hidden = true;
  deps.after.after(root);

  let shown = false;
  let sortKey: SortKey = 'flat';
  let selected: string | undefined;

  const el = <K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] => {
    const e = document.createElement(tag);
    if (text !== undefined) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  };
  const button = (text: string, title: string, onClick: () => void) => {
    const b = el('button', text);
    b.type = 'button';
    b.title = title;
    b.addEventListener('click', onClick);
    return b;
  };

  function renderPeek(tree: FlameTree, t: number, unit: string, total: number, building: boolean): HTMLElement {
    const fn = selected === undefined ? -1 : tree.names.indexOf(selected);
    const box = el('section', undefined, 'peek');
    if (building) { box.append(el('p', 'Callers and callees follow when the call tree is built.', 'muted')); return box; }
    if (fn < 0) { box.append(el('p', 'Select a function for its callers and callees.', 'muted')); return box; }
    const p = peek(tree, fn, t);
    const head = el('div', undefined, 'peekHead');
    head.append(el('strong', tree.names[fn]), el('span', ` flat ${formatValue(p.flat, unit)} · cum ${formatValue(p.cum, unit)} (${formatPercent(p.cum, total)})`, 'muted'));
    head.append(
      button('Focus', 'Show the flamegraph of what this function calls (pprof -focus)', () => deps.focus(tree.names[fn], 'callees')),
      button('Callers', 'Show the flamegraph of who calls this function', () => deps.focus(tree.names[fn], 'callers')),
      button('Ignore', 'Leave out every stack through this function (pprof -ignore)', () => deps.ignore(tree.names[fn])),
    );
    box.append(head);
    const list = (title: string, items: { name: number; value: number }[]) => {
      const sec = el('div', undefined, 'peekList');
      sec.append(el('h3', `${title} (${items.length})`));
      const ul = el('ul');
      for (const it of items.slice(0, 50)) {
        const li = el('li');
        const name = it.name < 0 ? '(root: the stack starts here)' : tree.names[it.name];
        const a = el('button', name, 'link');
        a.type = 'button';
        if (it.name >= 0) a.addEventListener('click', () => { selected = name; render(); });
        else a.disabled = true;
        li.append(el('span', formatValue(it.value, unit), 'num'), a);
        ul.append(li);
      }
      if (items.length > 50) ul.append(el('li', `… ${items.length - 50} more`, 'muted'));
      sec.append(ul);
      return sec;
    };
    box.append(list('Called from', p.callers), list('Calls', p.callees));
    return box;
  }

  function render(): void {
    root.replaceChildren();
    const cur = deps.current();
    if (!shown || !cur) return;
    const { tree, t, unit, building } = cur;
    const total = tree.cum[t][0];
    const rows = sortRows(functionTable(tree, t), sortKey, tree.names);
    root.append(renderPeek(tree, t, unit, total, building));
    const table = el('table');
    const head = el('tr');
    const th = (label: string, key: SortKey | undefined, cls?: string) => {
      const h = el('th', undefined, cls);
      if (!key) { h.textContent = label; head.append(h); return; }
      const b = button(label + (sortKey === key ? (key === 'name' ? ' ▲' : ' ▼') : ''), `Sort by ${label.toLowerCase()}`, () => { sortKey = key; render(); });
      h.setAttribute('aria-sort', sortKey === key ? (key === 'name' ? 'ascending' : 'descending') : 'none');
      h.append(b);
      head.append(h);
    };
    th('Flat', 'flat', 'num'); th('Flat%', undefined, 'num'); th('Cum', 'cum', 'num'); th('Cum%', undefined, 'num'); th('Function', 'name');
    table.append(el('thead'));
    table.tHead!.append(head);
    const body = el('tbody');
    for (const r of rows.slice(0, MAX_ROWS)) body.append(row(tree, r, unit, total));
    table.append(body);
    root.append(table);
    if (rows.length > MAX_ROWS) root.append(el('p', `${rows.length - MAX_ROWS} more functions not listed; sort by another column or search the graph.`, 'muted'));
  }

  function row(tree: FlameTree, r: FunctionRow, unit: string, total: number): HTMLTableRowElement {
    const tr = el('tr');
    const name = tree.names[r.name];
    if (name === selected) tr.setAttribute('aria-selected', 'true');
    tr.append(
      el('td', formatValue(r.flat, unit), 'num'), el('td', formatPercent(r.flat, total), 'num'),
      el('td', formatValue(r.cum, unit), 'num'), el('td', formatPercent(r.cum, total), 'num'),
      el('td', name, 'fn'),
    );
    tr.tabIndex = 0;
    const pick = () => { selected = name; render(); };
    tr.addEventListener('click', pick);
    tr.addEventListener('keydown', (e) => { if (e.key === 'Enter') pick(); });
    return tr;
  }

  const show = (on: boolean) => {
    shown = on;
    toggle.setAttribute('aria-pressed', String(shown));
    toggle.textContent = shown ? 'Graph' : 'Table';
    root.hidden = !shown;
    deps.chart.hidden = shown;
    // Hidden rows stay until the next render: removing a thousand of them would hold up the graph.
    if (shown) render();
  };
  toggle.addEventListener('click', () => show(!shown));

  return {
    refresh: () => { if (shown) render(); },
    get shown() { return shown; },
    show,
    setToggleEnabled: (on) => { toggle.disabled = !on; },
  };
}
