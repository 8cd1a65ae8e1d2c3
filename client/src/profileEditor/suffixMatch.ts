// Picks the candidate sharing the longest trailing run of path components with a
// profile's file name. Pure, so it is unit-tested.

function parts(p: string): string[] {
  return p.replace(/\\/g, '/').split('/').filter(Boolean);
}

/** Undefined when nothing shares even the file name. Ties go to the shorter path. */
export function bestSuffixMatch(profileFile: string, candidates: string[]): string | undefined {
  const want = parts(profileFile);
  let best: string | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    const have = parts(c);
    let k = 0;
    while (k < want.length && k < have.length && want[want.length - 1 - k] === have[have.length - 1 - k]) k++;
    if (k > bestScore || (k === bestScore && k > 0 && best !== undefined && c.length < best.length)) { best = c; bestScore = k; }
  }
  return bestScore > 0 ? best : undefined;
}
