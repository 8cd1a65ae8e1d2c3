// Assertions written in Go comments, and where they apply. Pure: a file's text and its
// outline (Go's parser found the comments and functions, outline.ts) in, directives out.
//   //heaplens:noalloc   on a function: nothing in it (inlined callees included) goes to the heap;
//                        on a line (above it, or at its end): nothing on that line does
//   //heaplens:inline    on a function: the compiler can inline it; on a line: a call there is inlined
//   //gcassert:inline, //gcassert:noescape, //gcassert:bce (comma lists allowed), as gcassert reads them
import type { FuncInfo } from './functions';
import type { Outline } from './outline';

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

export function parseDirectives(text: string, outline: Pick<Outline, 'funcs' | 'comments'>): { directives: Directive[]; bad: BadDirective[] } {
  const directives: Directive[] = [];
  const bad: BadDirective[] = [];
  if (!mayHaveDirectives(text)) return { directives, bad };
  const lines = text.split('\n');
  const funcByLine = new Map<number, FuncInfo>();
  for (const f of outline.funcs) funcByLine.set(f.line, f);
  // 0-based lines holding nothing but a line comment (Go's scanner says what is code).
  const commentOnlyLines = new Set(outline.comments.filter((c) => !c.afterCode).map((c) => c.line - 1));
  const commentOnly = (i: number) => commentOnlyLines.has(i);

  for (const c of outline.comments) {
    const m = DIRECTIVE.exec(c.text);
    if (!m) continue;
    const i = c.line - 1;
    const at = c.column;
    const tool = m[1] as 'heaplens' | 'gcassert';
    const trailing = c.afterCode;
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
