// Go's bufio.Scanner (ScanLines) and strconv integer parsing, as the legacy
// parsers in google/pprof use them: the ports depend on their exact behaviour
// (a final line without newline, \r stripped, base prefixes, 64-bit ranges).
import { LIMITS, Malformed } from './types';

export class Scanner {
  private pos = 0;
  private line = '';
  private err: Error | null = null;
  constructor(private readonly text: string) {}

  /** Advances to the next line; false at the end (or after an error, see error()). */
  scan(): boolean {
    if (this.err || this.pos >= this.text.length) { this.line = ''; return false; }
    let end = this.text.indexOf('\n', this.pos);
    const next = end < 0 ? this.text.length : end + 1;
    if (end < 0) end = this.text.length;
    if (end - this.pos > LIMITS.maxLineBytes) {
      this.err = new Malformed(`a line longer than ${LIMITS.maxLineBytes} bytes`);
      this.line = '';
      return false;
    }
    let line = this.text.slice(this.pos, end);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    this.line = line;
    this.pos = next;
    return true;
  }
  /** The current line (Go: Text()); '' after the end, as bufio does. */
  get textLine(): string { return this.line; }
  error(): Error | null { return this.err; }
  /** Go: s.Err() != nil → return err. */
  check(): void { if (this.err) throw this.err; }
}

const INT64_MAX = (1n << 63n) - 1n;
const INT64_MIN = -(1n << 63n);
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseUint(s, base, 64); base 0 reads 0x / 0o / 0b / leading-0 octal and underscores. */
export function parseUint(s: string, base: number): bigint | null {
  if (s === '') return null;
  let digits = s;
  let b = base;
  let underscores = false;
  if (base === 0) {
    b = 10;
    if (s[0] === '0') {
      if (s.length >= 3 && (s[1] === 'x' || s[1] === 'X')) { b = 16; digits = s.slice(2); } else if (s.length >= 3 && (s[1] === 'o' || s[1] === 'O')) { b = 8; digits = s.slice(2); } else if (s.length >= 3 && (s[1] === 'b' || s[1] === 'B')) { b = 2; digits = s.slice(2); } else { b = 8; digits = s.slice(1); if (digits === '') return 0n; }
    }
    underscores = true;
  }
  if (underscores && digits.includes('_')) {
    if (!underscoreOK(s)) return null;
    digits = digits.replace(/_/g, '');
  }
  if (digits === '') return null;
  let v = 0n;
  const B = BigInt(b);
  for (const c of digits) {
    const d = digitValue(c);
    if (d < 0 || d >= b) return null;
    v = v * B + BigInt(d);
    if (v > UINT64_MAX) return null;
  }
  return v;
}

/** strconv.ParseInt(s, base, 64). */
export function parseInt64(s: string, base: number): bigint | null {
  let neg = false;
  let t = s;
  if (t[0] === '+' || t[0] === '-') { neg = t[0] === '-'; t = t.slice(1); }
  const u = parseUint(t, base);
  if (u === null) return null;
  const v = neg ? -u : u;
  if (v > INT64_MAX || v < INT64_MIN) return null;
  return v;
}

/** parseInt64 as a JS number (values are int64 in pprof; beyond 2^53 they round). */
export function int64(s: string, base: number): number | null {
  const v = parseInt64(s, base);
  return v === null ? null : Number(v);
}

function digitValue(c: string): number {
  const x = c.charCodeAt(0);
  if (x >= 48 && x <= 57) return x - 48;
  if (x >= 97 && x <= 122) return x - 97 + 10;
  if (x >= 65 && x <= 90) return x - 65 + 10;
  return -1;
}

// strconv's underscoreOK: underscores only between digits or after a base prefix.
function underscoreOK(s0: string): boolean {
  let s = s0;
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'bBoOxX'.includes(s[1])) { i = 2; saw = '0'; hex = s[1] === 'x' || s[1] === 'X'; }
  for (; i < s.length; i++) {
    const c = s[i];
    if ((c >= '0' && c <= '9') || (hex && /[a-fA-F]/.test(c))) { saw = '0'; continue; }
    if (c === '_') { if (saw !== '0') return false; saw = '_'; continue; }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

const HEX_RE = /0x[0-9a-f]+/g;

/** pprof's parseHexAddresses: every 0x… in s, as uint64. */
export function parseHexAddresses(s: string): bigint[] {
  const out: bigint[] = [];
  HEX_RE.lastIndex = 0;
  for (let m; (m = HEX_RE.exec(s));) {
    const h = m[0];
    // Fast path: up to 16 hex digits always fit in a uint64.
    const v = h.length <= 18 ? BigInt(h) : parseUint(h, 0);
    if (v === null) throw new Malformed(`failed to parse as hex 64-bit number: ${h}`);
    out.push(v);
  }
  if (out.length > LIMITS.maxStackDepth) throw new Malformed(`a stack deeper than ${LIMITS.maxStackDepth} frames`);
  return out;
}

/** Go's strings.TrimSpace (ASCII and Unicode white space). */
export function trimSpace(s: string): string {
  return s.trim();
}

/** pprof's isSpaceOrComment. */
export function isSpaceOrComment(line: string): boolean {
  const t = line.trim();
  return t.length === 0 || t[0] === '#';
}
