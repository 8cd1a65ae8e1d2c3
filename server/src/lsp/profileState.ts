// The profiles loaded in this session (one per workspace folder) and how their
// line numbers map onto the buffers being edited. No LSP wiring here.
import * as path from 'node:path';
import type { ServerAggregates } from '../hotspots/loadJob';
import type { FileHeat, HeatIndex, LineHeat } from '../hotspots/heatIndex';
import { LineMap } from '../hotspots/lineMap';
import { readSmallTextFile } from '../limits/files';

export interface ActiveProfile {
  folderUri: string;
  folderDir: string | undefined;
  source: string;
  baseSource?: string;
  agg: ServerAggregates;
  index: HeatIndex;
  /** Profile file name → path on disk (null when not found). */
  resolvedByName: Map<string, string | null>;
  /** Selected sample type. */
  t: number;
  takenAt: number;
  /** While a big profile's call paths are worked out, or why they could not be: for hovers. */
  callPathsNote?: string;
}

/** Go files over this size are not read for line tracking (annotations stay on profiled lines). */
export const MAX_SOURCE_BYTES = 8 * 1024 * 1024;

export class ProfileState {
  readonly profiles = new Map<string, ActiveProfile>();
  /** Per open file that has annotations: profiled lines → buffer lines. */
  private readonly maps = new Map<string, LineMap>();

  constructor(private readonly openText: (file: string) => string | undefined) {}

  set(p: ActiveProfile): void {
    this.profiles.set(p.folderUri, p);
    this.maps.clear();
  }

  clear(folderUri?: string): ActiveProfile[] {
    const gone = folderUri === undefined ? [...this.profiles.values()] : [this.profiles.get(folderUri)].filter((p) => p !== undefined);
    for (const p of gone) this.profiles.delete(p.folderUri);
    if (!this.profiles.size) this.maps.clear();
    return gone;
  }

  /** The profile annotating `file`: the one of the innermost folder containing it, else any that knows it. */
  forFile(file: string): { profile: ActiveProfile; heat: FileHeat } | undefined {
    let best: { profile: ActiveProfile; heat: FileHeat; depth: number } | undefined;
    for (const p of this.profiles.values()) {
      const heat = p.index.files.get(file);
      if (!heat) continue;
      const inside = p.folderDir !== undefined && !path.relative(p.folderDir, file).startsWith('..');
      const depth = inside ? p.folderDir!.length : -1;
      if (!best || depth > best.depth) best = { profile: p, heat, depth };
    }
    return best && { profile: best.profile, heat: best.heat };
  }

  /** Called for every buffer change of an open file. */
  onOpenOrChange(file: string): void {
    const text = this.openText(file);
    if (text === undefined) return;
    const m = this.maps.get(file);
    if (m) m.update(text);
    else if (this.forFile(file)) this.mapFor(file);
  }

  onClose(file: string): void {
    this.maps.delete(file);
  }

  /** The line map of an open file (created against the file on disk), or undefined for closed files. */
  private mapFor(file: string): LineMap | undefined {
    const text = this.openText(file);
    if (text === undefined) return undefined;
    let m = this.maps.get(file);
    if (!m) {
      const disk = readSmall(file);
      m = new LineMap(disk ?? text, text);
      this.maps.set(file, m);
    }
    return m;
  }

  /** Buffer line (0-based) of a profiled line (1-based), or -1 when that line was edited. */
  currentLine(file: string, profiledLine1: number): number {
    const m = this.mapFor(file);
    return m ? m.current(profiledLine1 - 1) : profiledLine1 - 1;
  }

  /** Profiled line (1-based) under buffer line `cur` (0-based), or 0 when the line was edited. */
  profiledLine(file: string, cur: number): number {
    const m = this.mapFor(file);
    return m ? m.original(cur) + 1 : cur + 1;
  }

  /** Whether the open buffer differs from the file the profile's lines refer to. */
  edited(file: string): boolean {
    return this.mapFor(file)?.edited ?? false;
  }

  /** Text of a buffer line (0-based). */
  lineText(file: string, cur: number): string | undefined {
    const m = this.mapFor(file);
    if (m) return m.text(cur);
    return readSmall(file)?.split(/\r?\n/)[cur];
  }

  lineHeat(file: string, cur: number): { profile: ActiveProfile; heat: FileHeat; line: LineHeat } | undefined {
    const found = this.forFile(file);
    if (!found) return undefined;
    const orig = this.profiledLine(file, cur);
    const line = orig > 0 ? found.heat.lines.get(orig) : undefined;
    return line && { ...found, line };
  }
}

function readSmall(file: string): string | undefined {
  return readSmallTextFile(file, MAX_SOURCE_BYTES);
}
