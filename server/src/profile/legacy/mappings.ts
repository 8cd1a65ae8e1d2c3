// Memory maps after a legacy profile's samples (/proc/self/maps and the brief
// "start-end file (@offset) buildid" form), and the id and mapping fix-ups
// pprof applies afterwards. Port of google/pprof profile/legacy_profile.go and
// profile.go (massageMappings).
import { Scanner } from './scan';
import { Malformed, Unrecognized, type LMapping, type LProfile } from './types';

const M64 = (1n << 64n) - 1n;
const sub = (a: bigint, b: bigint): bigint => (a - b) & M64;

const X = '[0-9A-Fa-f]';
const S = '[\\t\\n\\f\\r ]';
const cHex = `(?:0x)?(${X}+)`;
const cHexRange = `${S}*${cHex}[\\t\\n\\f\\r -]?${S}*${cHex}:?`;
const cPerm = `(?:${S}+([-rwxp]+))?`;
const cSpaceHex = `(?:${S}+(${X}+))?`;
const hexPair = `${S}+${X}+:${X}+`;
const spaceDigits = `${S}+[0-9]+`;
const cSpaceString = `(?:${S}+([^\\t\\n\\f\\r ]+))?`;
const cSpaceAtOffset = `(?:${S}+\\(@(${X}+)\\))?`;
const procMapsRE = new RegExp(`^${cHexRange}${cPerm}${cSpaceHex}${hexPair}${spaceDigits}${cSpaceString}`);
const briefMapsRE = new RegExp(`^${cHexRange}${cPerm}${cSpaceString}${cSpaceAtOffset}${cSpaceHex}`);
const logInfoRE = /^[^[\]]+:[0-9]+]\s/;

const SENTINELS = ['--- Memory map: ---', 'MAPPED_LIBRARIES:'];

export function isMemoryMapSentinel(line: string): boolean {
  return SENTINELS.some((s) => line.includes(s));
}

/** pprof's parseAdditionalSections: skip to a memory map, read it, renumber. */
export function parseAdditionalSections(s: Scanner, p: LProfile): void {
  while (!isMemoryMapSentinel(s.textLine) && s.scan()) { /* skip */ }
  s.check();
  parseMemoryMapFromScanner(s, p);
}

export function parseMemoryMapFromScanner(s: Scanner, p: LProfile): void {
  p.mappings.push(...parseProcMaps(s));
  massageMappings(p);
  remapLocationIDs(p);
  remapFunctionIDs(p);
  remapMappingIDs(p);
}

function parseProcMaps(s: Scanner): LMapping[] {
  const out: LMapping[] = [];
  const attrs: [string, string][] = [];
  while (s.scan()) {
    const line = replaceAll(removeLoggingInfo(s.textLine), attrs);
    let m: LMapping | null;
    try {
      m = parseMappingEntry(line);
    } catch (e) {
      if (!(e instanceof Unrecognized)) throw e;
      const eq = line.indexOf('=');
      if (eq >= 0) attrs.push(['$' + line.slice(0, eq).trim(), line.slice(eq + 1).trim()]);
      continue;
    }
    if (m) out.push(m);
    if (out.length > 1_000_000) throw new Malformed('more than a million memory map entries');
  }
  s.check();
  return out;
}

/** strings.NewReplacer(old1, new1, …).Replace: leftmost, first listed wins, no overlaps. */
function replaceAll(line: string, pairs: [string, string][]): string {
  if (pairs.length === 0) return line;
  let out = '';
  for (let i = 0; i < line.length;) {
    const hit = pairs.find(([o]) => o !== '' && line.startsWith(o, i));
    if (hit) { out += hit[1]; i += hit[0].length; } else { out += line[i]; i++; }
  }
  return out;
}

function removeLoggingInfo(line: string): string {
  const m = logInfoRE.exec(line);
  return m ? line.slice(m[0].length) : line;
}

function parseMappingEntry(l: string): LMapping | null {
  let start: string, end: string, perm: string, file: string, offset: string, buildId = '';
  let me = procMapsRE.exec(l);
  if (me) {
    [start, end, perm, offset, file] = [me[1], me[2], me[3] ?? '', me[4] ?? '', me[5] ?? ''];
  } else if ((me = briefMapsRE.exec(l))) {
    [start, end, perm, file, offset, buildId] = [me[1], me[2], me[3] ?? '', me[4] ?? '', me[5] ?? '', me[6] ?? ''];
  } else {
    throw new Unrecognized();
  }
  if (perm !== '' && !perm.includes('x')) return null; // not executable
  const hex = (h: string): bigint => {
    if (h.length > 16 && h.replace(/^0+/, '').length > 16) throw new Unrecognized();
    return BigInt('0x' + h);
  };
  return { id: 0, start: hex(start), limit: hex(end), offset: offset ? hex(offset) : 0n, file, buildId };
}

const libRx = /([.]so$|[.]so[._][0-9]+)/;

function adjacent(m1: LMapping, m2: LMapping): boolean {
  if (m1.file !== '' && m2.file !== '' && m1.file !== m2.file) return false;
  if (m1.buildId !== '' && m2.buildId !== '' && m1.buildId !== m2.buildId) return false;
  if (m1.limit !== m2.start) return false;
  if (m1.offset !== 0n && m2.offset !== 0n) {
    if (((m1.offset + sub(m1.limit, m1.start)) & M64) !== m2.offset) return false;
  }
  return true;
}

function massageMappings(p: LProfile): void {
  if (p.mappings.length > 1) {
    const merged = [p.mappings[0]];
    for (const m of p.mappings.slice(1)) {
      const lm = merged[merged.length - 1];
      if (adjacent(lm, m)) {
        lm.limit = m.limit;
        if (m.file !== '') lm.file = m.file;
        if (m.buildId !== '') lm.buildId = m.buildId;
        for (const l of p.locations) if (l.mapping === m) l.mapping = lm;
        continue;
      }
      merged.push(m);
    }
    p.mappings = merged;
  }
  for (let i = 0; i < p.mappings.length; i++) {
    const file = p.mappings[i].file.split('(deleted)').join('').trim();
    if (file.length === 0 || libRx.test(file) || file[0] === '[') continue;
    [p.mappings[0], p.mappings[i]] = [p.mappings[i], p.mappings[0]];
    break;
  }
  p.mappings.forEach((m, i) => { m.id = i + 1; });
}

/** Locations numbered in order of first use by samples; unused ones dropped. */
export function remapLocationIDs(p: LProfile): void {
  const seen = new Set<object>();
  const locs = [];
  for (const s of p.samples) {
    for (const l of s.locs) {
      if (seen.has(l)) continue;
      l.id = locs.length + 1;
      locs.push(l);
      seen.add(l);
    }
  }
  p.locations = locs;
}

export function remapFunctionIDs(p: LProfile): void {
  const seen = new Set<object>();
  const fns = [];
  for (const l of p.locations) {
    for (const ln of l.lines) {
      if (seen.has(ln.fn)) continue;
      ln.fn.id = fns.length + 1;
      fns.push(ln.fn);
      seen.add(ln.fn);
    }
  }
  p.functions = fns;
}

export function remapMappingIDs(p: LProfile): void {
  if (p.mappings.length > 0) {
    const m = p.mappings[0];
    if (m.file.startsWith('/anon_hugepage') && p.mappings.length > 1 && m.limit === p.mappings[1].start) p.mappings = p.mappings.slice(1);
  }
  if (p.mappings.length > 0) {
    const m = p.mappings[0];
    if (sub(m.start, m.offset) === 0x400000n) { m.start = 0x400000n; m.offset = 0n; }
  }
  let fake: LMapping | null = null;
  next: for (const l of p.locations) {
    const a = l.address;
    if (l.mapping !== null || a === 0n) continue;
    for (const m of p.mappings) {
      if (m.start <= a && a < m.limit) { l.mapping = m; continue next; }
    }
    for (const m of p.mappings) {
      if (m.offset !== 0n && sub(m.start, m.offset) <= a && a < m.start) {
        m.start = sub(m.start, m.offset);
        m.offset = 0n;
        l.mapping = m;
        continue next;
      }
    }
    if (!fake) {
      fake = { id: 1, start: 0n, limit: M64, offset: 0n, file: '', buildId: '' };
      p.mappings.push(fake);
    }
    l.mapping = fake;
  }
  p.mappings.forEach((m, i) => { m.id = i + 1; });
}
