// The profile's hover on an allocating line: the value for every sample type,
// what allocates there, the heaviest call paths reaching the line (clickable),
// and the allocation sizes recorded by the `bytes` label.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sizeDistribution } from '../profile/query';
import type { Frame } from '../profile/model';
import { callPathsAt } from './callPaths';
import type { ServerAggregates } from './loadJob';
import type { AllocLabel } from './allocLabels';
import { formatAmount, formatShare, formatValueOf } from './format';
import type { LineHeat } from './heatIndex';
import type { EscapeOnLine } from './rank';

export interface HoverInput {
  agg: ServerAggregates;
  heat: LineHeat;
  /** Selected sample type. */
  t: number;
  escapes: EscapeOnLine[];
  label?: AllocLabel;
  /** Resolves a profile file name to a path on disk, for links. */
  resolve(profileFile: string): string | null;
  /** One sentence when the profile predates the file or the buffer was edited. */
  staleNote?: string;
  /** Why there are no call paths (yet), when there are none. */
  callPathsNote?: string;
  source: string;
}

const md = (s: string) => s.replace(/[\\`*_[\]<>|~]/g, '\\$&');

export function renderProfileHover(h: HoverInput): string {
  const { agg, heat, t } = h;
  const types = agg.sampleTypes;
  const out: string[] = [];
  out.push(`**HeapLens** · heap profile ${md(h.source)}${agg.isDiff ? ' (diff against base)' : ''}`);
  const rows = types.map((ty, i) => {
    const sel = i === t ? '**' : '';
    const self = agg.isDiff ? formatValueOf(heat.self[i], ty, true) : `${formatValueOf(heat.self[i], ty)} (${formatShare(heat.self[i], agg.totals[i])})`;
    const cum = agg.isDiff ? formatValueOf(heat.cum[i], ty, true) : `${formatValueOf(heat.cum[i], ty)} (${formatShare(heat.cum[i], agg.totals[i])})`;
    return `| ${sel}${md(ty.type)}${sel} | ${self} | ${cum} |`;
  });
  out.push(['| sample type | at this line | with calls |', '|---|---:|---:|', ...rows].join('\n'));
  if (h.escapes.length) {
    out.push(h.escapes.map((e) => `Compiler: **${md(e.title)}**${e.reason ? ` — ${md(e.reason)}` : ''}`).join('\n\n'));
  } else if (h.label && heat.self[t] !== 0) {
    out.push(`Allocates: ${md(h.label.text)}${h.label.from === 'source' ? ' — read from the line; the profile hides runtime frames' : ''}`);
  }
  const paths = agg.callPaths;
  const stacks = paths ? heat.lineIndexes.flatMap((l) => callPathsAt(agg, paths, l, t)).sort((a, b) => Math.abs(b.value) - Math.abs(a.value)).slice(0, agg.topStackLimit) : [];
  if (!paths && h.callPathsNote) out.push(`Top call paths: ${md(h.callPathsNote)}`);
  if (stacks.length) {
    const ty = types[t];
    out.push(`Top call paths (${md(ty.type)}):\n\n` + stacks.map((s, i) =>
      `${i + 1}. ${formatValueOf(s.value, ty, agg.isDiff)} — ${s.frames.slice(-4).map((f) => frameLink(f, h.resolve)).join(' → ')}`).join('\n'));
  }
  const sizes = mergeSizes(heat.lineIndexes.map((l) => sizeDistribution(agg, l)));
  if (sizes.length) {
    const objects = types.findIndex((ty) => ty.type === 'alloc_objects');
    const space = types.findIndex((ty) => ty.type === 'alloc_space');
    const shown = sizes.slice().sort((a, b) => Math.abs(b.values[Math.max(space, 0)]) - Math.abs(a.values[Math.max(space, 0)])).slice(0, 6);
    out.push('Allocation sizes: ' + shown.map((s) => {
      const n = objects >= 0 ? `× ${formatAmount(s.values[objects], 'count')}` : '';
      const total = space >= 0 ? ` = ${formatAmount(s.values[space], 'bytes')}` : '';
      return `${formatAmount(s.size, 'bytes')} ${n}${total}`.trim();
    }).join(' · ') + (sizes.length > shown.length ? ` · ${sizes.length - shown.length} more sizes` : ''));
  }
  if (h.staleNote) out.push(`_${md(h.staleNote)}_`);
  return out.join('\n\n');
}

function frameLink(f: Frame, resolve: (file: string) => string | null): string {
  const name = md(f.name.replace(/^.*\//, ''));
  const p = resolve(f.file);
  const label = `${name}${f.inlined ? ' (inlined)' : ''}`;
  if (!p) return `${label} ${md(path.basename(f.file))}:${f.line}`;
  const uri = pathToFileURL(p).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
  return `[${label}](${uri}#L${f.line}) ${md(path.basename(p))}:${f.line}`;
}

function mergeSizes(lists: { size: number; values: number[] }[][]): { size: number; values: number[] }[] {
  if (lists.length === 1) return lists[0];
  const m = new Map<number, number[]>();
  for (const list of lists) for (const s of list) {
    const v = m.get(s.size);
    if (v) s.values.forEach((x, i) => { v[i] += x; });
    else m.set(s.size, [...s.values]);
  }
  return [...m].map(([size, values]) => ({ size, values })).sort((a, b) => a.size - b.size);
}
