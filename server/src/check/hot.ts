// Which lines are hot in a heap profile: the profile engine's per-line aggregation,
// resolved to files on disk, as a share of the profile's total bytes.
import * as fs from 'node:fs';
import { aggregate } from '../profile/aggregate';
import { openProfile } from '../profile/open';
import { loadResolveContext } from '../profile/goEnv';
import { sampleTypeIndex } from '../profile/query';
import { resolveFiles } from '../profile/sourcePaths';
import { CheckError } from './collect';

export interface HotLines {
  sampleType: string;
  /** Share (0..1) of the sample type's total allocated at this line (flat). */
  shareAt(absPath: string, line: number): number;
}

/** Bytes first: alloc_space (all allocations), else inuse_space, else the profile's default. */
const PREFERRED = ['alloc_space', 'inuse_space'];

export async function loadHotLines(file: string, moduleRoot: string, sampleType?: string, goBin?: string): Promise<HotLines> {
  let bytes: Uint8Array;
  try { bytes = fs.readFileSync(file); } catch (e) {
    throw new CheckError(`--profile ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  let agg;
  try { agg = aggregate(openProfile(bytes)); } catch (e) {
    throw new CheckError(`--profile ${file}: ${(e as Error).message}`);
  }
  let t: number;
  if (sampleType) {
    try { t = sampleTypeIndex(agg, sampleType); } catch (e) { throw new CheckError(`--sample-type: ${(e as Error).message}`); }
  } else {
    const i = PREFERRED.map((n) => agg.sampleTypes.findIndex((s) => s.type === n)).find((i) => i >= 0);
    t = i ?? agg.defaultSampleType;
  }
  const resolved = resolveFiles(agg, await loadResolveContext(moduleRoot, { goPath: goBin }));
  const total = Math.abs(agg.totals[t]) || 1;
  const byFile = new Map<string, Map<number, number>>();
  const { count, flat, line, file: fileOf } = agg.lines;
  for (let l = 0; l < count; l++) {
    const v = flat[t][l];
    const p = resolved[fileOf[l]];
    if (!v || !p) continue;
    let lines = byFile.get(p);
    if (!lines) byFile.set(p, (lines = new Map()));
    lines.set(line[l], (lines.get(line[l]) ?? 0) + v);
  }
  return {
    sampleType: agg.sampleTypes[t].type,
    shareAt: (abs, ln) => Math.abs(byFile.get(abs)?.get(ln) ?? 0) / total,
  };
}
