// One Go helper process per language server, shared by the code actions and the
// memory lints (the helper answers one request at a time and caches the
// type-checked package, so both features warm the same cache).
import { defaultCacheDir, GoHelper } from './goHelper';

let helper: GoHelper | undefined;
let helperGoBin: string | undefined;

/** The helper for this `go`; a different `go` stops the old helper and starts another. */
export function sharedHelper(goBin: string, log: (line: string) => void): GoHelper {
  if (!helper || helperGoBin !== goBin) {
    helper?.dispose();
    helperGoBin = goBin;
    // The client passes the extension's storage as HEAPLENS_HELPER_CACHE; the CLI and
    // other editors get the user cache directory.
    helper = new GoHelper({ goBin, cacheDir: defaultCacheDir(), log });
  }
  return helper;
}

export function disposeSharedHelper(): void {
  helper?.dispose();
  helper = undefined;
  helperGoBin = undefined;
}
