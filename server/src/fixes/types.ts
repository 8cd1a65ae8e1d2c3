// What a fix generator takes and gives: plain data, no editor types, so the
// generators are tested on text alone and the code-action feature only converts.
import type { Finding } from '../escape/types';

export interface Position { line: number; character: number }
/** 0-based line, UTF-16 character, like LSP. */
export interface Range { start: Position; end: Position }

export interface TextEditPlain {
  range: Range;
  newText: string;
  /** Another file of the package (absolute path); absent for the finding's own document. */
  path?: string;
}

export interface FixInput {
  finding: Finding;
  /** Absolute path and current text of the document the finding is in. */
  path: string;
  text: string;
  /** The package's other .go files (absolute path -> text), for callers and type declarations. */
  packageFiles: ReadonlyMap<string, string>;
  /** The module's `go` directive (`1.21`), when known. */
  goVersion?: string;
  /** What a heap profile measured on the finding's line, when a profile is loaded ("1.2 MB/s alloc_space"). */
  measured?: string;
}

export interface Fix {
  title: string;
  edits: TextEditPlain[];
  isPreferred: boolean;
}

/** The shape matched but the change is not provably safe: the Explain page says why. */
export interface Refusal {
  refused: string;
}

/** null: this generator does not apply to the finding. */
export type FixResult = Fix | Refusal | null;

export type FixGenerator = (input: FixInput) => FixResult;

export const isRefusal = (r: FixResult): r is Refusal => !!r && 'refused' in r;
