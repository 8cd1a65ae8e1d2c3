// What a quick fix is, as plain data: no editor types, so the code-action feature
// only converts and tests read it as text.

export interface Position { line: number; character: number }
/** 0-based line, UTF-16 character, like LSP. */
export interface Range { start: Position; end: Position }

export interface TextEditPlain {
  range: Range;
  newText: string;
  /** Another file of the package (absolute path); absent for the finding's own document. */
  path?: string;
}

export interface Fix {
  title: string;
  edits: TextEditPlain[];
  isPreferred: boolean;
}
