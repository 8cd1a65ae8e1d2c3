// Assertions written in Go comments, and where they apply. Pure: text in, directives out.
//   //heaplens:noalloc   on a function: nothing in it (inlined callees included) goes to the heap;
//                        on a line (above it, or at its end): nothing on that line does
//   //heaplens:inline    on a function: the compiler can inline it; on a line: a call there is inlined
//   //gcassert:inline, //gcassert:noescape, //gcassert:bce (comma lists allowed), as gcassert reads them
import { mask } from './goSource';
import { functionsOf, type FuncInfo } from './functions';

export type DirectiveName = 'noalloc' | 'inline' | 'noescape' | 'bce';

export interface Directive {
  name: DirectiveName;
  tool: 'heaplens' | 'gcassert';
  /** A function's doc comment (or a comment at the end of its `func` line), or one line. */
  scope: 'func' | 'line';
  /** 1-based line of the comment. */
  commentLine: number;
  /** 0-based UTF-16 column where the comment starts. */
  commentColumn: number;
  /** 1-based line the directive is about: the statement line, or the `func` line. */
  target: number;
  func?: FuncInfo;
  /** As written, for messages: `//heaplens:noalloc`. */
  text: string;
}

export interface BadDirective {
  line: number;
  column: number;
  text: string;
  message: string;
}

const KNOWN: Record<'heaplens' | 'gcassert', DirectiveName[]> = {
  heaplens: ['noalloc', 'inline'],
  gcassert: ['inline', 'noescape', 'bce'],
};

// gcassert accepts `// gcassert:` too.
const DIRECTIVE = /^\/\/ ?(heaplens|gcassert):([\w,-]*)/;

/** Quick test before the full scan: most files have no directive at all. */
export function mayHaveDirectives(text: string): boolean {
  return text.includes('heaplens:') || text.includes('gcassert:');
}

export function parseDirectives(text: string, funcs: readonly FuncInfo[] = functionsOf(text)): { directives: Directive[]; bad: BadDirective[] } {
  const directives: Directive[] = [];
  const bad: BadDirective[] = [];
  if (!mayHaveDirectives(text)) return { directives, bad };
  const lines = text.split('\n');
  const masked = mask(text).split('\n');
  const funcByLine = new Map<number, FuncInfo>();
  for (const f of funcs) funcByLine.set(f.line, f);
  const codeOn = (i: number, end: number) => masked[i].slice(0, end).trim() !== '';
  const commentOnly = (i: number) => /^\s*\/\//.test(lines[i]);

  for (let i = 0; i < lines.length; i++) {
    const at = findComment(lines[i], masked[i]);
    if (at < 0) continue;
    const m = DIRECTIVE.exec(lines[i].slice(at));
    if (!m) continue;
    const tool = m[1] as 'heaplens' | 'gcassert';
    const trailing = codeOn(i, at);
    // The line it is about: its own when the comment ends a line of code, else the next line of code.
    let target = i;
    if (!trailing) {
      target = i + 1;
      while (target < lines.length && (commentOnly(target) || lines[target].trim() === '')) target++;
      if (target >= lines.length) continue;
    }
    // A doc comment: only comment lines between it and `func`.
    let docOf: FuncInfo | undefined = funcByLine.get(target + 1);
    if (docOf && !trailing) {
      for (let k = i + 1; k < target; k++) if (!commentOnly(k)) docOf = undefined;
    }
    for (const word of m[2].split(',').filter(Boolean)) {
      const name = word as DirectiveName;
      if (!KNOWN[tool].includes(name)) {
        bad.push({ line: i + 1, column: at, text: m[0], message: `unknown directive //${tool}:${word} (${tool} knows ${KNOWN[tool].join(', ')})` });
        continue;
      }
      directives.push({
        name, tool, scope: docOf ? 'func' : 'line', commentLine: i + 1, commentColumn: at,
        target: target + 1, func: docOf, text: `//${tool}:${word}`,
      });
    }
  }
  return { directives, bad };
}

/**
 * Column of the line comment on a line, or -1. The mask blanks comments whole, and
 * string contents but not their quotes: a `//` whose rest of line is blank in the
 * mask starts a comment; one inside a string has at least the closing quote after it.
 */
function findComment(line: string, masked: string): number {
  for (let i = line.indexOf('//'); i >= 0; i = line.indexOf('//', i + 1)) {
    if (masked.slice(i).trim() === '') return i;
  }
  return -1;
}
