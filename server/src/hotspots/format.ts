// How measured costs read in the editor: "2.1 MiB · 18% alloc_space" at a line's
// end, "+1.2 MiB" / "−300 KiB" for diffs. Bytes in IEC units with a space, counts
// with k/M, percentages with at most one decimal.
import type { ValueType } from '../profile/model';

const MINUS = '\u2212';

export function formatAmount(v: number, unit: string, signed = false): string {
  const sign = v < 0 ? MINUS : signed && v > 0 ? '+' : '';
  const a = Math.abs(v);
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0, x = a;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return `${sign}${i === 0 ? Math.round(x) : round(x)} ${units[i]}`;
  }
  if (unit === 'nanoseconds') {
    if (a >= 1e9) return `${sign}${round(a / 1e9)} s`;
    if (a >= 1e6) return `${sign}${round(a / 1e6)} ms`;
    if (a >= 1e3) return `${sign}${round(a / 1e3)} µs`;
    return `${sign}${Math.round(a)} ns`;
  }
  if (a >= 1e9) return `${sign}${round(a / 1e9)}G`;
  if (a >= 1e6) return `${sign}${round(a / 1e6)}M`;
  if (a >= 1e4) return `${sign}${round(a / 1e3)}k`;
  return `${sign}${Math.round(a)}`;
}

/** Three significant digits at most: 2.14, 21.4, 214. */
function round(x: number): string {
  const s = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

export function formatShare(part: number, whole: number): string {
  if (whole === 0 || part === 0) return '0%';
  const p = (100 * Math.abs(part)) / Math.abs(whole);
  if (p < 0.1) return '<0.1%';
  return `${p >= 10 ? Math.round(p) : Math.round(p * 10) / 10}%`;
}

/** The unit word for counts: "objects" for *_objects types. */
function countWord(type: ValueType): string {
  return type.unit === 'count' && /objects/.test(type.type) ? ' objects' : '';
}

export function formatValueOf(v: number, type: ValueType, signed = false): string {
  return formatAmount(v, type.unit, signed) + (type.unit === 'count' ? countWord(type) : '');
}

/**
 * The end-of-line text: "2.1 MiB · 18% alloc_space", or for a diff
 * "+1.2 MiB alloc_space vs base". `total` is the whole profile's value.
 */
export function costLabel(v: number, total: number, type: ValueType, isDiff: boolean): string {
  if (isDiff) return `${formatAmount(v, type.unit, true)} ${type.type} vs base`;
  return `${formatAmount(v, type.unit)} · ${formatShare(v, total)} ${type.type}`;
}

/** For diagnostics: "1.2 MiB alloc_space (14%)", or "+1.2 MiB alloc_space since base". */
export function costPhrase(v: number, total: number, type: ValueType, isDiff: boolean): string {
  if (isDiff) return `${formatAmount(v, type.unit, true)} ${type.type} since base`;
  return `${formatAmount(v, type.unit)} ${type.type} (${formatShare(v, total)})`;
}
