// What a profile may cost, decided by the size of the file given to us. Every table
// the decoder fills has a cap of the form `min(ceiling, floor + perByte × file bytes)`,
// so memory and time grow with the file, never with what a few KB can claim: 255 KB
// of gzip can inflate to 250 MB of empty strings, 1.4 MB can name one location with
// 10^5 inlined lines from 10^5 stacks. Real profiles sit far below every cap
// (runtime/pprof writes under 1 sample and ~4 location ids per gzip byte; see
// docs/profile-limits.md); the floors let small files with big content through.
import { ProfileError, type Profile } from './model';

export interface Cap { floor: number; perByte: number; ceiling: number; what: string }

const M = 1 << 20;

export const CAPS = {
  strings: { floor: 1 * M, perByte: 2, ceiling: 32 * M, what: 'string table entries' },
  comments: { floor: 64 * 1024, perByte: 1, ceiling: 1 * M, what: 'comments' },
  sampleTypes: { floor: 1024, perByte: 0, ceiling: 1024, what: 'sample types' },
  mappings: { floor: 64 * 1024, perByte: 1, ceiling: 1 * M, what: 'mappings' },
  functions: { floor: 1 * M, perByte: 2, ceiling: 32 * M, what: 'functions' },
  locations: { floor: 1 * M, perByte: 4, ceiling: 32 * M, what: 'locations' },
  lines: { floor: 2 * M, perByte: 8, ceiling: 64 * M, what: 'location lines' },
  samples: { floor: 1 * M, perByte: 2, ceiling: 64 * M, what: 'samples' },
  stackEntries: { floor: 16 * M, perByte: 32, ceiling: 256 * M, what: 'stack frames (location ids in samples)' },
  values: { floor: 4 * M, perByte: 8, ceiling: 256 * M, what: 'sample values' },
  labels: { floor: 1 * M, perByte: 2, ceiling: 64 * M, what: 'numeric labels' },
  /** Frames visited by the aggregation: stack entries expanded through inlined lines. */
  expandedFrames: { floor: 64 * M, perByte: 64, ceiling: 1024 * M, what: 'frames once inlined lines are expanded' },
} satisfies Record<string, Cap>;

export type CapName = keyof typeof CAPS;

/** gzip may inflate to this many times the file's size, but always to 64 MiB. */
export const INFLATE_RATIO = 128;
export const INFLATE_FLOOR = 64 * M;

export function limitFor(cap: Cap, fileBytes: number): number {
  return Math.min(cap.ceiling, cap.floor + cap.perByte * fileBytes);
}

export type Limits = Record<CapName, number>;

export function limitsFor(fileBytes: number): Limits {
  const out = {} as Limits;
  for (const k of Object.keys(CAPS) as CapName[]) out[k] = limitFor(CAPS[k], fileBytes);
  return out;
}

/** The one sentence a refused profile gets. */
export function overLimit(name: CapName, limit: number, fileBytes: number, seen?: number): ProfileError {
  const count = seen === undefined ? `more than ${n(limit)}` : n(seen);
  return new ProfileError(`this profile has ${count} ${CAPS[name].what} in ${size(fileBytes)}; refusing: more than ${n(limit)} for a file this size`);
}

export function inflateLimit(fileBytes: number, maxInflatedBytes: number): number {
  return Math.min(maxInflatedBytes, Math.max(INFLATE_FLOOR, INFLATE_RATIO * fileBytes));
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

export function size(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < M) return `${Math.round(bytes / 1024)} KB`;
  return `${(bytes / M).toFixed(1)} MB`;
}

/** Work allowed for one pass over the stacks (frames visited), from the files' sizes. */
export interface WorkBudget { limit: number; fileBytes: number }

export function workBudget(profiles: Profile[]): WorkBudget {
  let limit = 0, fileBytes = 0;
  for (const p of profiles) {
    // A profile not decoded from a file is measured by its stack entries.
    const bytes = p.fileBytes ?? p.stacks.location.length;
    fileBytes += bytes;
    limit += limitFor(CAPS.expandedFrames, bytes);
  }
  return { limit, fileBytes };
}

export function overBudget(b: WorkBudget): ProfileError {
  return overLimit('expandedFrames', b.limit, b.fileBytes);
}
