// Java legacy profiles: `--- heapz 1 ---` and `--- contentionz 1 ---` text, and
// the symbol section of Java CPU profiles. Port of google/pprof
// profile/legacy_java_profile.go.
import { remapFunctionIDs, remapLocationIDs, remapMappingIDs } from './mappings';
import { parseHexAddresses, parseInt64 } from './scan';
import { scaleHeapSample } from './textProfiles';
import { checkSamples, Malformed, newProfile, Unrecognized, type LFunction, type LLocation, type LProfile } from './types';

const attributeRx = /([\w ]+)=([\w ]+)/;
const javaSampleRx = / *(\d+) +(\d+) +@ +([ x0-9a-f]*)/;
const javaLocationRx = /^\s*0x([0-9A-Fa-f]+)\s+(.*)\s*$/;
const javaLocationFileLineRx = /^(.*)\s+\((.+):(-?[0-9]+)\)$/;
const javaLocationPathRx = /^(.*)\s+\((.*)\)$/;

export function parseJavaProfile(text: string): LProfile {
  const nl = text.indexOf('\n');
  if (nl < 0) throw new Unrecognized();
  const header = text.slice(0, nl).trim();
  const pType = header === '--- heapz 1 ---' ? 'heap' : header === '--- contentionz 1 ---' ? 'contention' : '';
  if (!pType) throw new Unrecognized();
  const p = newProfile({ periodType: { type: '', unit: '' } });
  let rest = parseJavaHeader(pType, text.slice(nl + 1), p);
  let locs: Map<bigint, LLocation>;
  ({ rest, locs } = parseJavaSamples(pType, rest, p));
  parseJavaLocations(rest, locs, p);
  for (const l of p.locations) l.address = 0n; // Aggregate(…, address=false)
  return p;
}

function parseJavaHeader(pType: string, b0: string, p: LProfile): string {
  let b = b0;
  let nl = b.indexOf('\n');
  while (nl !== -1) {
    const line = b.slice(0, nl).trim();
    if (line !== '') {
      const h = attributeRx.exec(line);
      if (!h) return b;
      const attribute = h[1].trim(), value = h[2].trim();
      const num = (): number => {
        const v = parseInt64(value, 0);
        if (v === null) throw new Malformed(`failed to parse attribute ${line}`);
        return Number(v);
      };
      switch (`${pType}/${attribute}`) {
        case 'heap/format': case 'cpu/format': case 'contention/format':
          if (value !== 'java') throw new Unrecognized();
          break;
        case 'heap/resolution': p.sampleTypes = [{ type: 'inuse_objects', unit: 'count' }, { type: 'inuse_space', unit: value }]; break;
        case 'contention/resolution': p.sampleTypes = [{ type: 'contentions', unit: 'count' }, { type: 'delay', unit: value }]; break;
        case 'contention/sampling period': p.periodType = { type: 'contentions', unit: 'count' }; p.period = num(); break;
        case 'contention/ms since reset': p.durationNanos = num() * 1000 * 1000; break;
        default: throw new Unrecognized();
      }
    }
    b = b.slice(nl + 1);
    nl = b.indexOf('\n');
  }
  return b;
}

function parseJavaSamples(pType: string, b0: string, p: LProfile): { rest: string; locs: Map<bigint, LLocation> } {
  let b = b0;
  const locs = new Map<bigint, LLocation>();
  let nl = b.indexOf('\n');
  while (nl !== -1) {
    const line = b.slice(0, nl).trim();
    if (line !== '') {
      const m = javaSampleRx.exec(line);
      if (!m) return { rest: b, locs };
      const addrs = parseHexAddresses(m[3]);
      const sloc = addrs.map((a) => {
        let loc = locs.get(a);
        if (!loc) { loc = { id: 0, address: a, mapping: null, lines: [] }; p.locations.push(loc); locs.set(a, loc); }
        return loc;
      });
      const v0 = parseInt64(m[2], 0), v1 = parseInt64(m[1], 0);
      if (v0 === null || v1 === null) throw new Malformed(`parsing sample ${line}`);
      const s = { values: [Number(v0), Number(v1)], locs: sloc, bytes: undefined as number | undefined };
      if (pType === 'heap') {
        if (v0 === 0n) throw new Malformed(`parsing sample ${line}: second value must be non-zero`);
        s.bytes = Number(BigInt.asIntN(64, v1 / v0));
        [s.values[0], s.values[1]] = scaleHeapSample(s.values[0], s.values[1], 524288);
      } else if (p.period !== 0) {
        s.values[0] *= p.period;
        s.values[1] *= p.period;
      }
      p.samples.push(s);
      checkSamples(p);
    }
    b = b.slice(nl + 1);
    nl = b.indexOf('\n');
  }
  return { rest: b, locs };
}

export function parseJavaLocations(text: string, locs: Map<bigint, LLocation>, p: LProfile): void {
  const fns = new Map<string, LFunction>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const j = javaLocationRx.exec(line);
    if (!j) continue;
    if (j[1].replace(/^0+/, '').length > 16) throw new Malformed(`parsing sample ${line}: value out of range`);
    const loc = locs.get(BigInt('0x' + j[1]));
    if (!loc) continue;
    let fnName: string, file = '', lineNo = 0;
    let m: RegExpExecArray | null;
    if ((m = javaLocationFileLineRx.exec(j[2]))) {
      fnName = m[1]; file = m[2];
      const n = parseInt64(m[3], 10);
      if (n !== null && n > 0n) lineNo = Number(n);
    } else if ((m = javaLocationPathRx.exec(j[2]))) {
      fnName = m[1]; file = goBase(m[2]);
    } else if (j[2].includes('generated stub/JIT')) {
      fnName = 'STUB';
    } else {
      fnName = j[2];
    }
    let fn = fns.get(fnName);
    if (!fn) {
      fn = { id: 0, name: fnName, systemName: fnName, filename: file, startLine: 0 };
      fns.set(fnName, fn);
      p.functions.push(fn);
    }
    loc.lines = [{ fn, line: lineNo }];
    loc.address = 0n;
  }
  remapLocationIDs(p);
  remapFunctionIDs(p);
  remapMappingIDs(p);
}

/** Go's filepath.Base on Unix. */
function goBase(path: string): string {
  if (path === '') return '.';
  const t = path.replace(/\/+$/, '');
  if (t === '') return '/';
  return t.slice(t.lastIndexOf('/') + 1);
}
