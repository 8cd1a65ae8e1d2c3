// Human-readable sample values: bytes in IEC units, durations in time units, counts plain.

export function formatValue(v: number, unit: string): string {
  const sign = v < 0 ? '-' : '';
  const a = Math.abs(v);
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0, x = a;
    while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
    return sign + (i === 0 ? `${x}B` : `${trim(x)}${units[i]}`);
  }
  // Java and gperftools profiles record time in coarser units: show them as time too.
  const scale: Record<string, number> = { microseconds: 1e3, milliseconds: 1e6, seconds: 1e9 };
  if (unit in scale) return formatValue(v * scale[unit], 'nanoseconds');
  if (unit === 'nanoseconds') {
    if (a >= 1e9) return `${sign}${trim(a / 1e9)}s`;
    if (a >= 1e6) return `${sign}${trim(a / 1e6)}ms`;
    if (a >= 1e3) return `${sign}${trim(a / 1e3)}us`;
    return `${sign}${a}ns`;
  }
  return `${v}`;
}

function trim(x: number): string {
  return x >= 100 ? x.toFixed(1) : x.toFixed(2);
}

export function formatPercent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  const p = (100 * part) / whole;
  return `${Math.abs(p) >= 99.995 || p === 0 ? p.toFixed(0) : p.toFixed(2)}%`;
}
