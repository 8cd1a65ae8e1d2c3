// A baseline: the problems a codebase has today, so adopting the check fails only on
// new ones. Keys survive moved lines (rule, package directory, function, expression).
import * as fs from 'node:fs';
import { CheckError } from './collect';
import type { Problem } from './model';

export interface Baseline {
  version: 1;
  tool: 'heaplens';
  /** key → how many problems have that key. */
  entries: Record<string, number>;
}

export function makeBaseline(problems: readonly Problem[]): Baseline {
  const entries: Record<string, number> = {};
  for (const p of [...problems].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) entries[p.key] = (entries[p.key] ?? 0) + 1;
  return { version: 1, tool: 'heaplens', entries };
}

export function readBaseline(file: string): Baseline {
  let text: string;
  try { text = fs.readFileSync(file, 'utf8'); } catch (e) {
    throw new CheckError(`--baseline ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (make one with --write-baseline)' : (e as Error).message}`);
  }
  let b: Partial<Baseline>;
  try { b = JSON.parse(text) as Partial<Baseline>; } catch {
    throw new CheckError(`--baseline ${file}: not JSON`);
  }
  if (b?.tool !== 'heaplens' || b.version !== 1 || typeof b.entries !== 'object' || b.entries === null) {
    throw new CheckError(`--baseline ${file}: not a heaplens baseline (version 1)`);
  }
  for (const v of Object.values(b.entries)) if (!Number.isInteger(v) || (v as number) < 0) throw new CheckError(`--baseline ${file}: counts must be whole numbers`);
  return b as Baseline;
}

/** The problems the baseline does not cover (each entry absorbs up to its count). */
export function subtractBaseline(problems: readonly Problem[], baseline: Baseline): { kept: Problem[]; suppressed: number } {
  const left = new Map(Object.entries(baseline.entries));
  const kept: Problem[] = [];
  let suppressed = 0;
  for (const p of problems) {
    const n = left.get(p.key) ?? 0;
    if (n > 0) { left.set(p.key, n - 1); suppressed++; } else kept.push(p);
  }
  return { kept, suppressed };
}
