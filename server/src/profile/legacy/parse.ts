// Legacy profile bytes → Profile: the parsers in pprof's order (parseLegacy),
// Go's debug=1 frame names, frame info, and a sentence on what the input was.
import { ProfileError, type Profile, type ProfileSource } from '../model';
import { parseCPU } from './binaryCpu';
import { addLegacyFrameInfo } from './frameInfo';
import { nameGoTextFrames } from './goText';
import { parseJavaProfile } from './javaProfiles';
import { parseMemStats } from './memStats';
import { parseContention, parseGoCount, parseHeap, parseThread } from './textProfiles';
import { toModel } from './toModel';
import { Malformed, Unrecognized, type LProfile } from './types';

type Parser = { name: string; run: (bytes: Uint8Array, text: () => string) => LProfile };

const parsers: Parser[] = [
  { name: 'cpu', run: (b) => parseCPU(b) },
  { name: 'heap', run: (_, t) => parseHeap(t()) },
  { name: 'count', run: (_, t) => parseGoCount(t()) },
  { name: 'thread', run: (_, t) => parseThread(t()) },
  { name: 'contention', run: (_, t) => parseContention(t()) },
  { name: 'java', run: (_, t) => parseJavaProfile(t()) },
];

export interface LegacyResult { profile: Profile; source: ProfileSource }

/**
 * pprof's parseLegacy: the first parser that recognises the input, in pprof's
 * order, and its result before any naming (what `go tool pprof -raw` shows,
 * except Go's mutex text with a sampling period other than 1: see parseContention).
 * Null when none does; ProfileError when one does but the input is broken.
 */
export function parseLegacyRaw(bytes: Uint8Array): { lp: LProfile; parser: string; text: () => string } | null {
  let cached: string | undefined;
  const text = (): string => (cached ??= new TextDecoder('utf-8').decode(bytes));
  for (const parser of parsers) {
    let lp: LProfile;
    try {
      lp = parser.run(bytes, text);
    } catch (e) {
      if (e instanceof Unrecognized) continue;
      const why = e instanceof Error ? e.message : String(e);
      if (e instanceof Malformed || e instanceof RangeError) throw new ProfileError(`a ${formatName(parser.name, bytes, text)}, but unreadable: ${why}`);
      throw e;
    }
    addLegacyFrameInfo(lp);
    return { lp, parser: parser.name, text };
  }
  return null;
}

/** The legacy formats pprof reads, as a Profile, with names from Go's debug=1 text where it has them. */
export function parseLegacy(bytes: Uint8Array): LegacyResult | null {
  const raw = parseLegacyRaw(bytes);
  if (!raw) return null;
  const { lp, parser, text } = raw;
  const java = parser === 'cpu' && lp.functions.length > 0;
  const format = java ? `Java CPU profile (legacy binary, ${cpuWords(bytes)})` : formatName(parser, bytes, text);
  const source: ProfileSource = { format, legacy: true, symbolsMissing: false, notes: [] };
  if (isGoText(parser, text)) {
    const { hidden } = nameGoTextFrames(text(), lp, parser === 'heap');
    if (parser === 'heap') {
      source.memStats = parseMemStats(text());
      source.notes.push('Go writes the same debug=1 text for heap and allocs: it opens on inuse_space, as pprof does');
    }
    if (parser === 'contention' && text().startsWith('--- mutex:')) {
      const n = lp.period;
      if (n > 1) source.notes.push(`sampling period ${n}: Go 1.20 and later write mutex values already scaled by it, so they are read as written (go tool pprof multiplies them by ${n} again); text from Go 1.19 or older reads ${n}× low`);
      if (n === 0) source.notes.push('sampling period 0 (mutex profiling was off when this was written): values are read as written, the delay converted from CPU cycles (go tool pprof leaves it in cycles)');
    }
    if (hidden > 0) source.notes.push("runtime frames at the top of stacks are not named in debug=1 text: they are one row, 'runtime frames (not named in debug=1 text)'");
  }
  for (const s of lp.samples) {
    if (s.values.length !== lp.sampleTypes.length) throw new ProfileError(`a ${source.format}, but malformed: a sample has ${s.values.length} values for ${lp.sampleTypes.length} sample types`);
  }
  return { profile: toModel(lp), source };
}

function isGoText(parser: string, text: () => string): boolean {
  const head = text().slice(0, 256);
  if (parser === 'heap') return /^heap profile: .*@ heap\/\d+\r?\n/.test(head);
  if (parser === 'count') return true;
  if (parser === 'contention') return head.startsWith('--- mutex:') || head.startsWith('--- contention:');
  return false;
}

function formatName(parser: string, bytes: Uint8Array, text: () => string): string {
  const head = parser === 'cpu' ? '' : text().slice(0, 512);
  switch (parser) {
    case 'cpu': return `legacy binary CPU profile (${cpuWords(bytes)})`;
    case 'heap':
      if (/@ heap\/\d+\r?\n/.test(head)) return 'Go heap profile (debug=1 text)';
      if (/@ growthz?/.test(head.split('\n')[0])) return 'heap growth profile (growthz text)';
      if (/@ fragmentationz?/.test(head.split('\n')[0])) return 'heap fragmentation profile (text)';
      return 'heap profile (gperftools heapz text)';
    case 'count': {
      const m = /(\S+) profile: total/.exec(head);
      return `Go ${m ? m[1] : 'count'} profile (debug=1 text)`;
    }
    case 'thread': return 'thread stacks profile (threadz text)';
    case 'contention':
      if (head.startsWith('--- mutex:')) return 'Go mutex profile (debug=1 text)';
      if (head.startsWith('--- contention:')) return 'Go block profile (debug=1 text)';
      return 'contention profile (gperftools contentionz text)';
    case 'java': return head.startsWith('--- heapz') ? 'Java heap profile (heapz text)' : 'Java contention profile (contentionz text)';
  }
  return 'legacy profile';
}

function cpuWords(b: Uint8Array): string {
  // Header word 2 is 3: where its non-zero byte sits tells the word size and order.
  if (b.length >= 8 && b[4] === 3) return '32-bit little-endian words';
  if (b.length >= 8 && b[7] === 3) return '32-bit big-endian words';
  if (b.length >= 16 && b[8] === 3) return '64-bit little-endian words';
  return '64-bit big-endian words';
}
