// The findings of the last analysis, per file, indexed by line so hovers and
// code actions find what is under the cursor without rescanning.
//
// Accessors for other features (code actions, inlay hints, code lenses):
//   store.inRange(uri, range)       findings whose range touches `range`
//   store.at(uri, position)         findings under a position
//   store.forDiagnostic(uri, diag)  the finding a published diagnostic came from
//                                   (diagnostic.data.findingId, set when it is made)
//   store.file(uri)                 everything for a file, plus whether it is stale
import * as path from 'node:path';
import type { Diagnostic, Position, Range } from 'vscode-languageserver';
import type { Signal } from '../escape/signal';
import type { Finding } from '../escape/types';
import { uriToPath } from './packages';

export interface PlacedFinding {
  /** Unique within the store's life; carried in `Diagnostic.data.findingId`. */
  id: number;
  uri: string;
  range: Range;
  finding: Finding;
  /** The published diagnostic, when the kind is shown (see `heaplens.kinds`). */
  diagnostic?: Diagnostic;
  /** Whether it allocates, and whether on a cold path. */
  signal?: Signal;
}

export interface FileFindings {
  path: string;
  uri: string;
  /** Sorted by position. */
  findings: PlacedFinding[];
  byLine: Map<number, PlacedFinding[]>;
  /** The last line any finding covers. */
  lastLine: number;
}

/** What `Diagnostic.data` holds for diagnostics made from findings. */
export interface FindingDiagnosticData {
  findingId: number;
  kind: Finding['kind'];
  subject?: string;
}

const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);
const touches = (r: Range, q: Range) => !before(r.end, q.start) && !before(q.end, r.start);

export class FindingsStore {
  private readonly files = new Map<string, FileFindings>();
  private readonly byId = new Map<number, PlacedFinding>();
  private nextId = 1;

  newId(): number {
    return this.nextId++;
  }

  /** Replaces everything known about one file (an empty list clears it). */
  setFile(path: string, uri: string, findings: PlacedFinding[]): void {
    this.clearFile(path);
    if (!findings.length) return;
    const sorted = [...findings].sort((a, b) =>
      a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    const byLine = new Map<number, PlacedFinding[]>();
    let lastLine = 0;
    for (const f of sorted) {
      lastLine = Math.max(lastLine, f.range.end.line);
      for (let l = f.range.start.line; l <= f.range.end.line; l++) {
        const list = byLine.get(l);
        if (list) list.push(f);
        else byLine.set(l, [f]);
      }
      this.byId.set(f.id, f);
    }
    this.files.set(path, { path, uri, findings: sorted, byLine, lastLine });
  }

  clearFile(path: string): void {
    const old = this.files.get(path);
    if (!old) return;
    for (const f of old.findings) this.byId.delete(f.id);
    this.files.delete(path);
  }

  file(uriOrPath: string): FileFindings | undefined {
    const p = uriOrPath.startsWith('file:') ? uriToPath(uriOrPath) : uriOrPath;
    return p === undefined ? undefined : this.files.get(p);
  }

  at(uri: string, pos: Position): PlacedFinding[] {
    return this.inRange(uri, { start: pos, end: pos });
  }

  inRange(uri: string, range: Range): PlacedFinding[] {
    const file = this.file(uri);
    if (!file) return [];
    const out: PlacedFinding[] = [];
    // Clamped to the lines that have findings: a client may ask for 0..2^31-1, and the
    // work must follow the file, not the request.
    const from = Math.max(0, range.start.line), to = Math.min(range.end.line, file.lastLine);
    if (to - from + 1 > file.byLine.size) {
      for (const [l, list] of file.byLine) if (l >= from && l <= to) for (const f of list) if (touches(f.range, range) && !out.includes(f)) out.push(f);
      return out.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    }
    for (let l = from; l <= to; l++) {
      for (const f of file.byLine.get(l) ?? []) if (touches(f.range, range) && !out.includes(f)) out.push(f);
    }
    return out;
  }

  forDiagnostic(uri: string, diagnostic: Diagnostic): PlacedFinding | undefined {
    const data = diagnostic.data as Partial<FindingDiagnosticData> | undefined;
    const found = typeof data?.findingId === 'number' ? this.byId.get(data.findingId) : undefined;
    return found && this.file(uri)?.findings.includes(found) ? found : undefined;
  }

  /** Every file with findings (the Allocations view lists them all). */
  allFiles(): IterableIterator<FileFindings> {
    return this.files.values();
  }

  /** Paths of files that currently have findings under `dir` (exactly that directory). */
  filesIn(dir: string, accept: (path: string) => boolean = () => true): string[] {
    const out: string[] = [];
    for (const p of this.files.keys()) if (path.dirname(p) === dir && accept(p)) out.push(p);
    return out;
  }
}
