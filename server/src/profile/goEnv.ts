// Builds a ResolveContext for a directory: runs `go env` (the only process this
// module starts, bounded; none at all with noProcess) and reads go.work / go.mod files.
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { readSmallTextFile } from '../limits/files';
import { runBounded } from '../limits/process';
import type { ResolveContext } from './model';

export interface GoEnvOptions {
  goPath?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
  /**
   * Start no process (Restricted Mode: `go env` can download and run a toolchain
   * named by the folder's go.mod). GOROOT and GOMODCACHE then come from the
   * environment and from where `go` sits on PATH, read from disk only.
   */
  noProcess?: boolean;
}

type GoDirs = { goroot: string | null; gomodcache: string | null };

/** GOROOT and GOMODCACHE from `go env -json`; nulls when go is missing, fails or hangs. */
export async function goEnv(dir: string, opts: GoEnvOptions = {}): Promise<GoDirs> {
  if (opts.noProcess) return goEnvWithoutGo();
  try {
    const out = await runBounded(opts.goPath || 'go', ['env', '-json', 'GOROOT', 'GOMODCACHE'], {
      cwd: dir, signal: opts.signal, timeoutMs: opts.timeoutMs ?? 20000, maxOutputBytes: 64 * 1024,
    });
    if (out.code !== 0 || out.timedOut || out.cancelled || out.truncated) return { goroot: null, gomodcache: null };
    const env = JSON.parse(out.stdout) as { GOROOT?: unknown; GOMODCACHE?: unknown };
    const str = (v: unknown) => (typeof v === 'string' && v ? v : null);
    return { goroot: str(env.GOROOT), gomodcache: str(env.GOMODCACHE) };
  } catch {
    return { goroot: null, gomodcache: null };
  }
}

/**
 * What `go env` would most likely say, without running anything: $GOROOT, else the
 * directory above the `bin/go` found on PATH (symlinks resolved); $GOMODCACHE, else
 * $GOPATH/pkg/mod, else ~/go/pkg/mod. Only directories that exist count.
 */
export function goEnvWithoutGo(env: NodeJS.ProcessEnv = process.env): GoDirs {
  const isDir = (p: string | undefined | null): p is string => {
    try { return !!p && statSync(p).isDirectory(); } catch { return false; }
  };
  let goroot: string | null = isDir(env.GOROOT) ? env.GOROOT : null;
  if (!goroot) {
    for (const d of (env.PATH ?? '').split(path.delimiter)) {
      if (!d || !path.isAbsolute(d)) continue;
      const bin = path.join(d, 'go');
      try {
        const real = realpathSync(bin);
        if (!statSync(real).isFile()) continue;
        const root = path.dirname(path.dirname(real));
        if (isDir(path.join(root, 'src', 'runtime'))) { goroot = root; break; }
      } catch { /* not here */ }
    }
  }
  const gopath = (env.GOPATH ?? '').split(path.delimiter).find((d) => d && path.isAbsolute(d))
    ?? (env.HOME ? path.join(env.HOME, 'go') : undefined);
  const candidates = [env.GOMODCACHE, gopath && path.join(gopath, 'pkg', 'mod')];
  const gomodcache = candidates.find(isDir) ?? null;
  return { goroot, gomodcache };
}

export async function loadResolveContext(
  dir: string, opts: GoEnvOptions & { userMappings?: { from: string; to: string }[] } = {},
): Promise<ResolveContext> {
  const env = await goEnv(dir, opts);
  return { ...env, workspaceModules: findWorkspaceModules(dir), userMappings: opts.userMappings ?? [] };
}

/** `module` path of a go.mod file's text, or null. */
export function parseModulePath(goMod: string): string | null {
  const m = /^\s*module\s+("?)([^\s"]+)\1/m.exec(goMod);
  return m ? m[2] : null;
}

/** Directories named by `use` in a go.work file's text, relative to it. */
export function parseGoWorkUses(goWork: string): string[] {
  const text = goWork.replace(/\/\/.*$/gm, '');
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*use\s+(?:\(([^)]*)\)|("?)([^\s"]+)\2)/gm)) {
    if (m[1] !== undefined) for (const d of m[1].split(/\s+/)) { if (d) out.push(d.replace(/^"|"$/g, '')); } else out.push(m[3]);
  }
  return out;
}

/**
 * The modules a directory belongs to: the go.work above it (its `use` list), else
 * the nearest go.mod above it, plus go.mod files below it (bounded walk).
 */
export function findWorkspaceModules(dir: string): { modulePath: string; dir: string }[] {
  const found = new Map<string, string>();
  const add = (modDir: string): void => {
    const f = path.join(modDir, 'go.mod');
    if (!existsSync(f) || found.has(modDir)) return;
    // A hostile folder's go.mod may be a FIFO or a huge file: bounded, regular files only.
    const text = readSmallTextFile(f, MAX_GO_MOD_BYTES);
    const mp = text === undefined ? null : parseModulePath(text);
    if (mp) found.set(modDir, mp);
  };
  let work: string | null = null;
  let mod: string | null = null;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (!work && existsSync(path.join(d, 'go.work'))) work = d;
    if (!mod && existsSync(path.join(d, 'go.mod'))) mod = d;
    if (path.dirname(d) === d) break;
  }
  if (work) for (const u of parseGoWorkUses(readSmallTextFile(path.join(work, 'go.work'), MAX_GO_MOD_BYTES) ?? '')) add(path.resolve(work, u));
  if (mod) add(mod);
  walkForGoMod(path.resolve(dir), 0, { left: 2000 }, add);
  return [...found].map(([d, modulePath]) => ({ modulePath, dir: d }));
}

const MAX_GO_MOD_BYTES = 1024 * 1024;
const SKIP = new Set(['node_modules', '.git', 'vendor', 'testdata', 'out']);

function walkForGoMod(dir: string, depth: number, budget: { left: number }, add: (d: string) => void): void {
  if (depth > 5 || --budget.left < 0) return;
  let entries;
  try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
  if (entries.some((e) => e.isFile() && e.name === 'go.mod')) add(dir);
  for (const e of entries) {
    if (e.isDirectory() && !SKIP.has(e.name) && !e.name.startsWith('.')) walkForGoMod(path.join(dir, e.name), depth + 1, budget, add);
  }
}
