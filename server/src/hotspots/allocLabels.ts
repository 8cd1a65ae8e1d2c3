// What kind of allocation a hot line makes, in plain words: from the runtime
// function the profile shows below the line, or, when the profile hides runtime
// frames (Go's own heap profiles do), from the Go expression on the line.

export interface AllocLabel {
  /** e.g. "append grew the slice (runtime.growslice)" */
  text: string;
  /** Where the label came from: the profile's runtime frame, or the line's source text. */
  from: 'profile' | 'source';
}

const RUNTIME: [RegExp, (fn: string) => string][] = [
  [/^runtime\.growslice$/, () => 'append grew the slice (runtime.growslice)'],
  [/^runtime\.(mapassign|hashGrow|growWork|newoverflow|makeBucketArray)|^internal\/runtime\/maps\.\(\*(Map|table|Iter)\)\.(grow|Put|put|split|rehash|Assign)|^internal\/runtime\/maps\.(newTable|newarray|newGroups)|^runtime\.mapassign/,
    (fn) => `map assignment grew the map (${short(fn)})`],
  [/^runtime\.makemap|^internal\/runtime\/maps\.NewMap/, (fn) => `make(map) (${short(fn)})`],
  [/^runtime\.concatstring/, (fn) => `string concatenation (${short(fn)})`],
  [/^runtime\.stringtoslicebyte$/, () => '[]byte(string) conversion copies (runtime.stringtoslicebyte)'],
  [/^runtime\.slicebytetostring$/, () => 'string([]byte) conversion copies (runtime.slicebytetostring)'],
  [/^runtime\.(stringtoslicerune|slicerunetostring|intstring)$/, (fn) => `string conversion copies (${fn})`],
  [/^runtime\.makeslice/, (fn) => `make([]T, n) (${fn})`],
  [/^runtime\.makechan$/, () => 'make(chan) (runtime.makechan)'],
  [/^runtime\.convT/, (fn) => `a value is boxed in an interface (${fn})`],
  [/^runtime\.(newproc|malg)/, (fn) => `a goroutine is started (${fn})`],
  [/^runtime\.(newobject|mallocgc)$/, (fn) => `a new object (${fn})`],
];

const short = (fn: string) => fn.replace(/^internal\/runtime\/maps\./, 'maps.');

export function labelFromRuntime(fn: string): AllocLabel {
  for (const [re, text] of RUNTIME) if (re.test(fn)) return { text: text(fn), from: 'profile' };
  return { text: `${fn} allocates`, from: 'profile' };
}

/** Removes string literals and comments so patterns match code only. */
function codeOnly(line: string): string {
  return line
    .replace(/"(?:[^"\\]|\\.)*"|`[^`]*`|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\/\/.*$/, '')
    .replace(/\/\*.*?\*\//g, '');
}

const SOURCE: [RegExp, string][] = [
  [/\bgo\s+(func\b|[\w.]+\()/, 'a goroutine is started (runtime.newproc)'],
  [/\bappend\(/, 'append grew the slice (runtime.growslice)'],
  [/\bmake\(\s*map\[/, 'make(map) (runtime.makemap)'],
  [/\bmake\(\s*\[\]/, 'make([]T, n) (runtime.makeslice)'],
  [/\bmake\(\s*(<-\s*)?chan\b/, 'make(chan) (runtime.makechan)'],
  [/\[\]byte\(/, '[]byte(string) conversion copies (runtime.stringtoslicebyte)'],
  [/\[\]rune\(/, '[]rune(string) conversion copies (runtime.stringtoslicerune)'],
  [/\bstring\(/, 'string([]byte) conversion copies (runtime.slicebytetostring)'],
  [/\w\s*\+=|""\s*\+|\+\s*""/, 'string concatenation (runtime.concatstrings)'],
  [/^\s*[\w.]+\[.*\]\s*([-+|&^*/]?=(?!=)|\+\+|--)/, 'map assignment grew the map (runtime.mapassign)'],
  [/\bnew\(|&[\w.]+\{/, 'a new object (runtime.newobject)'],
  [/\bfunc\s*\(/, 'a closure is allocated (runtime.newobject)'],
];

/** A label from the Go source of an allocating line, or undefined when nothing on it explains it. */
export function labelFromSource(lineText: string): AllocLabel | undefined {
  const code = codeOnly(lineText);
  for (const [re, text] of SOURCE) if (re.test(code)) return { text, from: 'source' };
  return undefined;
}

export function allocLabel(runtimeFn: string | undefined, lineText: string | undefined): AllocLabel | undefined {
  if (runtimeFn) return labelFromRuntime(runtimeFn);
  return lineText === undefined ? undefined : labelFromSource(lineText);
}
