// Number formatting for labels and tooltips. Pure: no DOM, shared with unit tests.

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const TIME_UNITS: [number, string][] = [[1e9, 's'], [1e6, 'ms'], [1e3, 'µs'], [1, 'ns']];

function trim(n: number): string {
  const abs = Math.abs(n);
  const s = abs >= 100 ? n.toFixed(0) : abs >= 10 ? n.toFixed(1) : n.toFixed(2);
  return s.includes('.') ? s.replace(/\.?0+$/, '') : s;
}

/** Formats a sample value in the profile's unit: bytes as B/KiB/MiB/GiB, counts with separators. */
export function formatValue(v: number, unit: string, signed = false): string {
  const sign = v < 0 ? '−' : signed && v > 0 ? '+' : '';
  const a = Math.abs(v);
  let body: string;
  if (unit === 'bytes') {
    let i = 0;
    let x = a;
    while (x >= 1024 && i < BYTE_UNITS.length - 1) { x /= 1024; i++; }
    body = i === 0 ? `${Math.round(x)} B` : `${trim(x)} ${BYTE_UNITS[i]}`;
  } else if (unit === 'nanoseconds') {
    const [div, name] = TIME_UNITS.find(([d]) => a >= d) ?? [1, 'ns'];
    body = `${trim(a / div)} ${name}`;
  } else {
    body = Math.round(a).toLocaleString('en-US');
    if (unit !== 'count' && unit !== '') body += ` ${unit}`;
  }
  return sign + body;
}

/** Share of a total as a percentage, "0%" for an empty total. */
export function formatPercent(v: number, total: number): string {
  if (!total) return '0%';
  const p = (v / total) * 100;
  const a = Math.abs(p);
  return `${a >= 10 || a === 0 ? p.toFixed(1) : a >= 0.01 ? p.toFixed(2) : p.toExponential(1)}%`;
}

/** "12 Nov 2026 14:03:05 UTC" style; empty when unknown. */
export function formatTime(ms: number): string {
  if (!ms) return '';
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

/** The sample period with its unit, e.g. "every 512 KiB allocated". */
export function formatPeriod(period: number, type: { type: string; unit: string } | null): string {
  if (!period || !type) return 'unknown';
  if (type.unit === 'bytes') return `1 sample per ${formatValue(period, 'bytes')} allocated`;
  return `${formatValue(period, type.unit)} per ${type.type} sample`;
}

/** Short label: drop the import path, keep "pkg.Func". */
export function shortName(name: string): string {
  const slash = name.lastIndexOf('/');
  return slash >= 0 ? name.slice(slash + 1) : name;
}
