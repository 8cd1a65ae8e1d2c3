// Which Go package a file belongs to, and how to name it to the go command.
// A package is a directory; its findings are published together.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const isTestFile = (file: string): boolean => file.endsWith('_test.go');

/** The `go` package pattern for `dir`, relative to the module root the command runs in. */
export function packagePattern(moduleRoot: string, dir: string): string {
  const rel = path.relative(moduleRoot, dir);
  if (rel === '') return '.';
  return './' + rel.split(path.sep).join('/');
}

/**
 * The Go files of a package directory: every `.go` file when `tests`, else the
 * non-test ones (a plain build says nothing about `_test.go` files, so their
 * earlier findings are left alone).
 */
export function packageFiles(dir: string, tests: boolean): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith('.go') && !n.startsWith('.') && !n.startsWith('_') && (tests || !isTestFile(n)))
    .map((n) => path.join(dir, n))
    .sort();
}

/** `file:` URIs to paths; anything else (untitled:, vscode-notebook:) is not ours. */
export function uriToPath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** Parentheses encoded too, so the URI is safe inside a markdown link. */
export function pathToUri(p: string): string {
  return pathToFileURL(p).href.replace(/\(/g, '%28').replace(/\)/g, '%29');
}
