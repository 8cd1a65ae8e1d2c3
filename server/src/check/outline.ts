// Go source as `heaplens check` and the editor's assertions read it: each file's
// top-level functions and line comments, from Go's own parser (the Go helper's
// `outline` op, gohelper/outline.go), so strings, raw strings, comments and
// generics are read as the compiler reads them. No vscode imports.
import type { GoHelper } from '../fixes/goHelper';
import type { FuncInfo } from './functions';

export interface LineComment {
  /** 1-based line. */
  line: number;
  /** 0-based UTF-16 column where `//` starts. */
  column: number;
  /** As written, from `//`. */
  text: string;
  /** Code precedes it on its line (it ends a line of code). */
  afterCode: boolean;
}

export interface Outline {
  funcs: FuncInfo[];
  comments: LineComment[];
  /** Go's first syntax error; what parsed before it is still outlined. */
  error?: string;
}

export interface SourceFile { path: string; text: string }

/** Outlines of `files`, in the same order. */
export type OutlineReader = (files: SourceFile[]) => Promise<Outline[]>;

// Requests and answers are single JSON lines (capped at 64 MB on both sides) and the
// answer carries every body's tokens: a few megabytes of source a request keeps both small.
const BATCH_CHARS = 2 * 1024 * 1024;

/** Reads outlines through a Go helper, a batch of files a request. */
export function helperOutlines(helper: Pick<GoHelper, 'outline'>): OutlineReader {
  return async (files) => {
    const out: Outline[] = [];
    for (let i = 0; i < files.length;) {
      const batch: SourceFile[] = [];
      let size = 0;
      while (i < files.length && (!batch.length || size + files[i].text.length <= BATCH_CHARS)) {
        size += files[i].text.length;
        batch.push(files[i++]);
      }
      const got = await helper.outline(batch);
      if (got.length !== batch.length) throw new Error(`the Go helper outlined ${got.length} of ${batch.length} files`);
      out.push(...got);
    }
    return out;
  };
}
