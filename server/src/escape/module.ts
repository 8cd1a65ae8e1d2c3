// Finding the Go module (or workspace) a directory belongs to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSmallTextFile } from '../limits/files';

function findUp(dir: string, name: string): string | undefined {
  let d = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(d, name))) return d;
    const parent = path.dirname(d);
    if (parent === d) return undefined;
    d = parent;
  }
}

/** The directory holding the nearest go.mod at or above `dir`. */
export function findModuleRoot(dir: string): string | undefined {
  return findUp(dir, 'go.mod');
}

/** The directory holding the nearest go.work at or above `dir` (GOWORK=off is honoured). */
export function findWorkspaceRoot(dir: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GOWORK === 'off') return undefined;
  if (env.GOWORK) return path.dirname(env.GOWORK);
  return findUp(dir, 'go.work');
}

/** The module path declared in a go.mod file, or undefined. */
export function readModulePath(moduleRoot: string): string | undefined {
  try {
    const text = readSmallTextFile(path.join(moduleRoot, 'go.mod'), 1024 * 1024) ?? '';
    return /^\s*module\s+("?)([^\s"]+)\1/m.exec(text)?.[2];
  } catch {
    return undefined;
  }
}

/** The `go` directive of a go.mod file (e.g. "1.21"), or undefined. */
export function readGoDirective(moduleRoot: string): string | undefined {
  try {
    const text = readSmallTextFile(path.join(moduleRoot, 'go.mod'), 1024 * 1024) ?? '';
    return /^\s*go\s+(\d+\.\d+(?:\.\d+)?)/m.exec(text)?.[1];
  } catch {
    return undefined;
  }
}
