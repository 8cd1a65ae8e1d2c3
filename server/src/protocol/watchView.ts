// Messages between the heap-watch live view (media/src/watch) and the extension
// (client/src/watch), declared once for both ends.
import type { WatchSnapshotParams } from './lsp';

export type ToWatchView =
  | { type: 'update'; snapshot: WatchSnapshotParams }
  /** The watch's state for the header: one line. */
  | { type: 'status'; text: string; watching: boolean };

export type FromWatchView =
  | { type: 'ready' }
  | { type: 'open'; uri: string; line: number }
  | { type: 'setBase'; seq: number }
  | { type: 'stop' };

/** What the webview sent, checked: anything else is dropped. */
export function parseFromWatchView(m: unknown): FromWatchView | undefined {
  if (!m || typeof m !== 'object') return undefined;
  const x = m as Record<string, unknown>;
  switch (x.type) {
    case 'ready': case 'stop': return { type: x.type };
    case 'open':
      return typeof x.uri === 'string' && /^file:/.test(x.uri) && Number.isInteger(x.line) && (x.line as number) > 0 ? { type: 'open', uri: x.uri, line: x.line as number } : undefined;
    case 'setBase':
      return Number.isInteger(x.seq) && (x.seq as number) > 0 ? { type: 'setBase', seq: x.seq as number } : undefined;
    default: return undefined;
  }
}
