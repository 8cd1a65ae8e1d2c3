// Builds a ResolveContext for a directory: runs `go env` (the only process this
// module starts) and reads go.work / go.mod files.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ResolveContext } from './model';

export interface GoEnvOptions {
  goPath?: string;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** GOROOT and GOMODCACHE from `go env -json`; nulls when go is missing. */
export function goEnv(dir: string, opts: GoEnvOptions = {}): Promise<{ goroot: string | null; gomodcache: string | null }> {
  return new Promise((resolve) => {
    execFile(opts.goPath ?? 'go', ['env', '-json', 'GOROOT', 'GOMODCACHE'], { cwd: dir, signal: opts.signal, timeout: opts.timeoutMs ?? 20000 }, (err, stdout) => {
      if (err) { resolve({ goroot: null, gomodcache: null }); return; }
      try {
        const env = JSON.parse(stdout) as { GOROOT?: string; GOMODCACHE?: string };
        resolve({ goroot: env.GOROOT || null, gomodcache: env.GOMODCACHE || null });
      } catch {
        resolve({ goroot: null, gomodcache: null });
      }
    });
  });
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
    const mp = parseModulePath(readFileSync(f, 'utf8'));
    if (mp) found.set(modDir, mp);
  };
  let work: string | null = null;
  let mod: string | null = null;
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (!work && existsSync(path.join(d, 'go.work'))) work = d;
    if (!mod && existsSync(path.join(d, 'go.mod'))) mod = d;
    if (path.dirname(d) === d) break;
  }
  if (work) for (const u of parseGoWorkUses(readFileSync(path.join(work, 'go.work'), 'utf8'))) add(path.resolve(work, u));
  if (mod) add(mod);
  walkForGoMod(path.resolve(dir), 0, { left: 2000 }, add);
  return [...found].map(([d, modulePath]) => ({ modulePath, dir: d }));
}

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
