// Where an allocation inside an inlined call really is. The compiler prints it at the
// call (its outermost inlining position) next to `inlining call to <callee>`; the
// callee, compiled on its own, reports the same allocation in its body. Pure.
import * as path from 'node:path';
import type { Finding } from '../escape/types';
import { normalizeExpr } from './assertions';
import { functionAt, type FuncInfo } from './functions';
import type { Flow } from './model';

export interface CalleeFile {
  rel: string;
  funcs: readonly FuncInfo[];
  findings: readonly Finding[];
}

export type CalleeResolver = (callee: string, f: Finding) => Flow | undefined;

/** Finds callees among `files` (the module's analysed files) by the name the compiler prints. */
export function calleeResolver(files: Iterable<CalleeFile>): CalleeResolver {
  // samePackage: registered under its bare name, which the compiler prints only for a
  // callee of the caller's own package (another package's `expand` is `snappy.expand`).
  type Entry = { file: CalleeFile; fn: FuncInfo; samePackage: boolean };
  const byName = new Map<string, Entry[]>();
  const add = (name: string, entry: Entry) => {
    const list = byName.get(name);
    if (list) list.push(entry);
    else byName.set(name, [entry]);
  };
  for (const file of files) {
    const dir = file.rel.includes('/') ? file.rel.slice(0, file.rel.lastIndexOf('/')) : '';
    const pkg = dir.slice(dir.lastIndexOf('/') + 1);
    for (const fn of file.funcs) {
      add(fn.name, { file, fn, samePackage: true });
      // Calls into another package are printed qualified by its name: `ring.New`, `ring.(*Ring).Push`.
      if (pkg) add(`${pkg}.${fn.name}`, { file, fn, samePackage: false });
    }
  }
  return (callee, f) => {
    const name = callee.replace(/\[[^\]]*\]/g, '');
    const want = normalizeExpr(f.subject ?? '');
    for (const { file, fn, samePackage } of byName.get(name) ?? []) {
      const own = file.findings.find((g) => g.kind === f.kind && normalizeExpr(g.subject ?? '') === want && functionAt(file.funcs, g.line) === fn
        && (!samePackage || path.dirname(g.path) === path.dirname(f.path)));
      if (own) return { text: `${f.subject ?? 'it'} — allocated in ${fn.name}, which the compiler inlines at the call`, rel: file.rel, line: own.line, column: own.column };
    }
    return undefined;
  };
}
