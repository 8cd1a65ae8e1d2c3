// A short name for where a profile came from, for the status bar: a file's name, a
// profiler's service and range, or a live endpoint's host and profile. The whole
// source stays in the tooltip; a full profiler URL (twice, when comparing) overflowed
// the status bar.
import * as path from 'node:path';

export function sourceLabel(source: string): string {
  let url: URL;
  try { url = new URL(source); } catch { return path.basename(source); }
  if (url.protocol === 'file:') return path.basename(url.pathname);
  const last = decodeURIComponent(url.pathname.split('/').filter(Boolean).pop() ?? '');
  if (/^(pyroscope|parca)(\+https?)?:$/.test(url.protocol)) {
    const from = url.searchParams.get('from');
    const until = url.searchParams.get('until');
    return `${last || url.host}${from ? ` ${from}${until ? `…${until}` : ''}` : ''}`;
  }
  return `${url.host}${last ? ` ${last}` : ''}`;
}
