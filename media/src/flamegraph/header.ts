// The header facts and the tooltip. DOM built with textContent only: every string
// here can come from the profile.
import type { FlameTree, ProfileMeta } from '../../../server/src/protocol/webview';
import { formatPercent, formatPeriod, formatTime, formatValue } from './format';

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, cls?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

export function renderHeader(meta: ProfileMeta, tree: FlameTree): void {
  document.getElementById('title')!.textContent = meta.source;
  document.getElementById('kind')!.textContent = `${meta.kind} profile`;
  const facts = document.getElementById('facts')!;
  facts.replaceChildren();
  const fact = (k: string, v: string) => {
    if (!v) return;
    const d = el('div');
    d.append(el('dt', k), el('dd', v));
    facts.append(d);
  };
  fact('Sampling', formatPeriod(meta.period, meta.periodType));
  fact('Collected', formatTime(meta.timeMs));
  if (meta.durationNanos) fact('Duration', formatValue(meta.durationNanos, 'nanoseconds'));
  fact('Samples', meta.sampleCount.toLocaleString('en-US'));
  meta.sampleTypes.forEach((s, t) => {
    const total = tree.cum[t][0];
    if (tree.baseCum) {
      const base = tree.baseCum[t][0];
      fact(s.type, `${formatValue(total, s.unit)} (base ${formatValue(base, s.unit)}, ${formatValue(total - base, s.unit, true)})`);
    } else fact(s.type, formatValue(total, s.unit));
  });
  if (meta.baseSource) fact('Compared with', meta.baseSource);
  if (meta.format) fact('Format', meta.format);
  for (const n of meta.notes ?? []) fact('Note', n);
}

export interface TipData {
  name: string;
  file: string;
  line: number;
  unit: string;
  typeName: string;
  self: number;
  cum: number;
  total: number;
  baseSelf?: number;
  baseCum?: number;
  baseTotal?: number;
}

export function renderTooltip(tip: HTMLElement, d: TipData): void {
  tip.replaceChildren();
  tip.append(el('div', d.name, 'fn'));
  if (d.file) tip.append(el('div', d.line ? `${d.file}:${d.line}` : d.file, 'loc'));
  const table = el('table');
  const row = (k: string, v: number, total: number, signed = false) => {
    const tr = el('tr');
    tr.append(el('td', k), el('td', formatValue(v, d.unit, signed), 'num'), el('td', formatPercent(v, total), 'num'));
    table.append(tr);
  };
  if (d.baseCum !== undefined && d.baseSelf !== undefined && d.baseTotal !== undefined) {
    row(`cum ${d.typeName}`, d.cum, d.total);
    row('base cum', d.baseCum, d.baseTotal);
    row('change (cum)', d.cum - d.baseCum, d.baseTotal, true);
    row('flat', d.self, d.total);
    row('base flat', d.baseSelf, d.baseTotal);
  } else {
    row(`flat ${d.typeName}`, d.self, d.total);
    row(`cum ${d.typeName}`, d.cum, d.total);
  }
  tip.append(table);
}
