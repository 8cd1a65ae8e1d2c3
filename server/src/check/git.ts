// The base revision as a temporary `git worktree`: the user's checkout (dirty or not)
// is never touched, and the worktree is removed afterwards.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckError } from './collect';

function git(cwd: string, args: string[]): { ok: boolean; out: string; err: string } {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    throw new CheckError(code === 'ENOENT' ? '--base needs git, and git is not on PATH' : `could not run git: ${r.error.message}`);
  }
  return { ok: r.status === 0, out: r.stdout.trim(), err: r.stderr.trim() };
}

export function gitRoot(dir: string): string {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  if (!r.ok) throw new CheckError(`--base needs a git repository, and ${dir} is not in one`);
  return r.out;
}

/** The commit a revision names, or a CheckError saying how to get it. */
export function resolveRevision(root: string, rev: string): string {
  if (rev.startsWith('-')) throw new CheckError(`--base: '${rev}' is not a revision`);
  const r = git(root, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
  if (!r.ok || !r.out) {
    const shallow = git(root, ['rev-parse', '--is-shallow-repository']).out === 'true';
    throw new CheckError(`--base: unknown revision '${rev}'${shallow ? ' (this clone is shallow: fetch the base, e.g. actions/checkout with fetch-depth: 0)' : ''}`);
  }
  return r.out;
}

export interface Worktree {
  dir: string;
  remove(): void;
}

export function addWorktree(root: string, commit: string): Worktree {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-base-'));
  const r = git(root, ['worktree', 'add', '--detach', '--quiet', dir, commit]);
  if (!r.ok) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new CheckError(`could not check out the base in a temporary worktree: ${r.err.split('\n')[0]}`);
  }
  let removed = false;
  return {
    dir,
    remove() {
      if (removed) return;
      removed = true;
      const rm = git(root, ['worktree', 'remove', '--force', dir]);
      if (!rm.ok) {
        fs.rmSync(dir, { recursive: true, force: true });
        git(root, ['worktree', 'prune']);
      }
    },
  };
}
