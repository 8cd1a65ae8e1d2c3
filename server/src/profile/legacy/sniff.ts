// What a file that is not a profile pprof reads looks like, in words: the
// first thing to tell someone who opened the wrong file.

const ascii = (b: Uint8Array, n = 512): string => {
  let s = '';
  for (let i = 0; i < Math.min(n, b.length); i++) s += String.fromCharCode(b[i]);
  return s;
};

/** Obvious legacy text headers: try the legacy parsers before the protobuf decoder. */
export function looksLikeLegacyText(b: Uint8Array): boolean {
  const head = ascii(b, 128).replace(/^(\s*#[^\n]*\n|\s*\n)*/, '');
  return /^(heap profile:|--- |\S+ profile: total \d+)/.test(head);
}

/** A sentence saying what the bytes are, or null when they look like nothing known. */
export function describeNonProfile(b: Uint8Array): string | null {
  const head = ascii(b, 4096);
  const t = head.replace(/^\uFEFF|^\xEF\xBB\xBF/, '').trimStart();
  if (b.length === 0) return 'empty file, not a pprof profile';
  if (/^go 1\.\d+ trace\0/.test(head)) return 'a Go execution trace, not a profile: open it with go tool trace';
  if (/^<(!doctype html|html|head|body)\b/i.test(t)) return 'an HTML page, not a profile (a login or error page instead of /debug/pprof data?)';
  if (/^<\?xml|^<svg/i.test(t)) return t.includes('<svg') ? 'an SVG image (pprof -svg output?), not a profile' : 'an XML document, not a profile';
  if (t.startsWith('{') || t.startsWith('[')) {
    if (t.includes('speedscope.app/file-format-schema')) return "a CPU profile in speedscope's format (JSON), not a pprof profile";
    if (/"traceEvents"/.test(t) || /^\[\s*\{\s*"(name|ph|cat|pid)"/.test(t)) return 'a Chrome trace (trace-event JSON), not a pprof profile';
    if (/"snapshot"\s*:\s*\{\s*"meta"/.test(t)) return 'a V8 heap snapshot (JSON), not a pprof profile';
    if (/"nodes"\s*:/.test(t) && /"startTime"\s*:/.test(t)) return 'a V8/Chrome CPU profile (.cpuprofile JSON), not a pprof profile';
    return 'JSON, not a pprof profile';
  }
  if (/^goroutine \d+ \[[^\]]*\]:/.test(t)) return 'full goroutine stacks (goroutine?debug=2 or a crash dump), which pprof does not read: fetch /debug/pprof/goroutine or ?debug=1 instead';
  if (/^(File|Type|Time|Duration|Showing nodes accounting)\b.*:/m.test(t.slice(0, 400)) && /flat%|Showing nodes/.test(t)) return 'text output of go tool pprof, not a profile: give the profile file it read';
  if (head.startsWith('PERFILE2') || head.startsWith('PERFFILE')) return 'a Linux perf.data file, not a pprof profile (convert it with perf_to_profile)';
  if (head.startsWith('\x7fELF')) return 'an ELF executable, not a profile';
  if (head.startsWith('MZ')) return 'a Windows executable, not a profile';
  if (/^(\xcf\xfa\xed\xfe|\xce\xfa\xed\xfe|\xca\xfe\xba\xbe)/.test(head)) return 'a Mach-O executable, not a profile';
  if (head.startsWith('PK\x03\x04')) return 'a zip archive, not a profile (unzip it first)';
  if (head.startsWith('\x28\xb5\x2f\xfd')) return 'zstd-compressed data: decompress it first (pprof reads gzip only)';
  if (head.startsWith('BZh')) return 'bzip2-compressed data: decompress it first (pprof reads gzip only)';
  if (head.startsWith('\xfd7zXZ')) return 'xz-compressed data: decompress it first (pprof reads gzip only)';
  if (head.startsWith('FLR\0')) return 'a Java Flight Recorder file, not a pprof profile';
  if (/^[^\n;]+(;[^\n;]+)* \d+\r?\n/.test(t)) return 'folded stacks (flamegraph.pl format), not a pprof profile';
  if (isText(b)) {
    if (t === '') return 'a file of white space, not a profile';
    const first = t.split('\n')[0].slice(0, 60);
    return `not a pprof profile: text in none of the formats pprof reads (it starts "${first.replace(/[^\x20-\x7e]/g, '?')}")`;
  }
  return null;
}

function isText(b: Uint8Array): boolean {
  const n = Math.min(b.length, 4096);
  for (let i = 0; i < n; i++) {
    const c = b[i];
    if (c < 9 || (c > 13 && c < 32 && c !== 27)) return false;
  }
  return true;
}
