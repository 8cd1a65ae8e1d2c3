// Where a file named in a profile lives on this machine. Profiles record the build
// machine's absolute paths, or module paths under -trimpath (with @version for
// dependencies, without for the main module), GOROOT files, module-cache copies
// with upper-case letters escaped as `!x`, and vendor/ copies. Unresolved files
// give null; callers report them rather than drop them.
import { existsSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import type { Aggregates, ResolveContext } from './model';

export type { ResolveContext } from './model';

export function resolveSourcePath(profileFile: string, ctx: ResolveContext): string | null {
  if (!profileFile) return null;
  const exists = ctx.exists ?? existsSync;
  const file = profileFile.replace(/\\/g, '/');
  const tryPath = (p: string | null | undefined): string | null => (p && exists(p) ? path.normalize(p) : null);

  for (const m of ctx.userMappings) {
    const from = m.from.replace(/\\/g, '/');
    if (from && file.startsWith(from)) {
      const hit = tryPath(path.join(m.to, file.slice(from.length)));
      if (hit) return hit;
    }
  }
  const isAbs = file.startsWith('/') || /^[A-Za-z]:\//.test(file);
  if (isAbs) {
    const hit = tryPath(file);
    if (hit) return hit;
  }
  return fromGoroot(file, ctx, tryPath)
    ?? fromModuleCache(file, ctx, tryPath)
    ?? fromWorkspace(file, ctx, tryPath)
    ?? fromSuffix(file, ctx, tryPath);
}

/** Resolves every file id of `agg` (null where unresolved), caching by name. */
export function resolveFiles(agg: Pick<Aggregates, 'files'>, ctx: ResolveContext): (string | null)[] {
  return agg.files.map((f) => resolveSourcePath(f, ctx));
}

type Try = (p: string | null | undefined) => string | null;

function fromGoroot(file: string, ctx: ResolveContext, tryPath: Try): string | null {
  if (!ctx.goroot) return null;
  if (file.startsWith('$GOROOT/')) return tryPath(path.join(ctx.goroot, file.slice('$GOROOT/'.length)));
  // Another machine's GOROOT: …/go/src/runtime/malloc.go; also a bare std path (runtime/malloc.go).
  const i = file.lastIndexOf('/src/');
  if (i >= 0 && !file.includes('/pkg/mod/')) {
    const hit = tryPath(path.join(ctx.goroot, 'src', file.slice(i + 5)));
    if (hit) return hit;
  }
  const first = file.split('/')[0];
  if (first && !first.includes('.') && !file.startsWith('/') && !first.includes('@')) {
    return tryPath(path.join(ctx.goroot, 'src', file));
  }
  return null;
}

function fromModuleCache(file: string, ctx: ResolveContext, tryPath: Try): string | null {
  // A module-cache path from another machine is already escaped: keep what follows pkg/mod/.
  const j = file.indexOf('/pkg/mod/');
  if (j >= 0) {
    const rel = file.slice(j + '/pkg/mod/'.length);
    if (ctx.gomodcache) { const hit = tryPath(path.join(ctx.gomodcache, rel)); if (hit) return hit; }
    const v = vendorCandidate(unescapeModulePath(rel), ctx, tryPath);
    if (v) return v;
  }
  // -trimpath: example.com/Mod@v1.2.3/pkg/file.go
  const at = file.indexOf('@');
  if (at > 0 && !file.startsWith('/')) {
    if (ctx.gomodcache) {
      const slash = file.indexOf('/', at);
      const mod = file.slice(0, at);
      const version = slash < 0 ? file.slice(at + 1) : file.slice(at + 1, slash);
      const rest = slash < 0 ? '' : file.slice(slash + 1);
      const hit = tryPath(path.join(ctx.gomodcache, `${escapeModulePath(mod)}@${escapeModulePath(version)}`, rest));
      if (hit) return hit;
    }
    return vendorCandidate(file, ctx, tryPath);
  }
  return null;
}

/** `mod@version/pkg/file.go` → <module dir>/vendor/mod/pkg/file.go in any workspace module. */
function vendorCandidate(file: string, ctx: ResolveContext, tryPath: Try): string | null {
  const rel = file.replace(/@[^/]+/, '');
  for (const m of ctx.workspaceModules) {
    const hit = tryPath(path.join(m.dir, 'vendor', rel));
    if (hit) return hit;
  }
  return null;
}

function fromWorkspace(file: string, ctx: ResolveContext, tryPath: Try): string | null {
  // -trimpath main module: example.com/shop/catalog/catalog.go; longest module path wins.
  const mods = [...ctx.workspaceModules].sort((a, b) => b.modulePath.length - a.modulePath.length);
  for (const m of mods) {
    if (file.startsWith(m.modulePath + '/')) {
      const hit = tryPath(path.join(m.dir, file.slice(m.modulePath.length + 1)));
      if (hit) return hit;
    }
  }
  // Absolute path with a module path inside it (…/src/example.com/shop/x.go, GOPATH-style).
  for (const m of mods) {
    const k = file.indexOf('/' + m.modulePath + '/');
    if (k >= 0) {
      const hit = tryPath(path.join(m.dir, file.slice(k + m.modulePath.length + 2)));
      if (hit) return hit;
    }
  }
  if (!file.startsWith('/') && !file.includes('@')) {
    const v = vendorCandidate(file, ctx, tryPath);
    if (v) return v;
  }
  return null;
}

/**
 * Another machine's absolute path: the longest trailing part (at least a directory
 * and the file name) that exists under a workspace module, or among workspaceFiles.
 */
function fromSuffix(file: string, ctx: ResolveContext, tryPath: Try): string | null {
  const parts = file.split('/').filter(Boolean);
  if (parts.length < 2) return null;
  for (let k = 0; k <= parts.length - 2; k++) {
    const rel = parts.slice(k).join('/');
    for (const m of ctx.workspaceModules) {
      const hit = tryPath(path.join(m.dir, rel));
      if (hit) return hit;
    }
  }
  if (ctx.workspaceFiles) {
    let best: string | null = null, bestLen = 1, ambiguous = false;
    for (const w of ctx.workspaceFiles) {
      const wp = w.replace(/\\/g, '/').split('/');
      let n = 0;
      while (n < wp.length && n < parts.length && wp[wp.length - 1 - n] === parts[parts.length - 1 - n]) n++;
      if (n > bestLen) { best = w; bestLen = n; ambiguous = false; } else if (n === bestLen && best && n > 1) ambiguous = true;
    }
    if (best && !ambiguous) return tryPath(best);
  }
  return null;
}

/** The module cache's case encoding: every upper-case letter becomes `!` + lower case. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase());
}

export function unescapeModulePath(p: string): string {
  return p.replace(/!([a-z])/g, (_, c: string) => c.toUpperCase());
}

// ── Where a file a profile names may be opened or read from ───────────────────────
// A profile is untrusted input: its file names can be /etc/passwd, $GOROOT/../../x,
// example.com/mod/../../.. or a symlink out of the workspace. A resolved path is
// used only when its real path (`..` and symlinks resolved) is a regular file under
// a workspace folder, GOROOT or GOMODCACHE.

/** The directories files may come from: workspace folders, GOROOT, GOMODCACHE (real paths). */
export function sourceRoots(workspaceDirs: (string | null | undefined)[], ctx: Pick<ResolveContext, 'goroot' | 'gomodcache'>): string[] {
  const out: string[] = [];
  for (const d of [...workspaceDirs, ctx.goroot, ctx.gomodcache]) {
    if (!d) continue;
    try { out.push(realpathSync(d)); } catch { /* missing: contributes nothing */ }
  }
  return [...new Set(out)];
}

export function isInside(child: string, root: string): boolean {
  const rel = path.relative(root, child);
  return rel === '' || (!rel.startsWith('..' + path.sep) && rel !== '..' && !path.isAbsolute(rel));
}

/** `file`'s real path when it is a regular file inside one of `roots`; otherwise why not, in words. */
export function openableSource(file: string, roots: string[]): { path: string } | { reason: string } {
  let real: string;
  try {
    real = realpathSync(file);
  } catch {
    return { reason: `not opened: ${file} does not exist` };
  }
  if (!roots.some((r) => isInside(real, r))) {
    return { reason: `not opened: outside the workspace (${real} is not under a workspace folder, GOROOT or GOMODCACHE)` };
  }
  let regular = false;
  try { regular = statSync(real).isFile(); } catch { /* vanished */ }
  if (!regular) return { reason: `not opened: ${real} is not a regular file` };
  return { path: real };
}

/**
 * resolveSourcePath, trying only candidates openableSource accepts (so a later rule
 * can still find the workspace's copy); when only a refused candidate exists, the
 * reason it was refused ("not opened: outside the workspace …"); null when none.
 */
export function resolveOpenableSource(file: string, ctx: ResolveContext, roots: string[]): { path: string } | { reason: string } | null {
  const plainExists = ctx.exists ?? existsSync;
  const hit = resolveSourcePath(file, { ...ctx, exists: (p) => plainExists(p) && 'path' in openableSource(p, roots) });
  if (hit) return { path: hit };
  const refused = resolveSourcePath(file, ctx);
  return refused ? openableSource(refused, roots) : null;
}

/** resolveFiles, keeping only files openableSource accepts (the rest are unresolved). */
export function resolveOpenableFiles(agg: Pick<Aggregates, 'files'>, ctx: ResolveContext, roots: string[]): (string | null)[] {
  return agg.files.map((f) => {
    const r = resolveOpenableSource(f, ctx, roots);
    return r && 'path' in r ? r.path : null;
  });
}
