// All quick-fix generators, and one entry point that runs them on a finding.
// Pure: the code-action feature converts the result to LSP.
import { bufferPool } from './bufferPool';
import { cloneSubslice } from './cloneSubslice';
import { closureArg } from './closureArg';
import { loopVarCopy } from './loopVarCopy';
import { mapSizeHint } from './mapSizeHint';
import { preallocSlice } from './preallocSlice';
import { returnByValue } from './returnByValue';
import { stringBuilder } from './stringBuilder';
import { strconvFormat } from './strconvFormat';
import { isRefusal, type Fix, type FixGenerator, type FixInput } from './types';

export const GENERATORS: readonly [string, FixGenerator][] = [
  ['prealloc-slice', preallocSlice],
  ['map-size-hint', mapSizeHint],
  ['string-builder', stringBuilder],
  ['strconv', strconvFormat],
  ['loop-var-copy', loopVarCopy],
  ['closure-arg', closureArg],
  ['return-by-value', returnByValue],
  ['buffer-pool', bufferPool],
  ['clone-subslice', cloneSubslice],
];

export interface FixesForFinding {
  fixes: (Fix & { id: string })[];
  /** Why a matching shape got no edit (for the Explain page). */
  refusals: string[];
  /** Generators that threw (a bug in HeapLens, not in the user's code). */
  errors: string[];
}

export function fixesFor(input: FixInput): FixesForFinding {
  const out: FixesForFinding = { fixes: [], refusals: [], errors: [] };
  for (const [id, gen] of GENERATORS) {
    try {
      const r = gen(input);
      if (!r) continue;
      if (isRefusal(r)) { if (!out.refusals.includes(r.refused)) out.refusals.push(r.refused); }
      else out.fixes.push({ id, ...r });
    } catch (err) {
      out.errors.push(`${id}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return out;
}
