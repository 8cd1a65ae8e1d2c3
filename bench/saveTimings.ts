// The two timings the escape benches compare: a bare `go build -gcflags=-m=2`, and a
// save through the language server until its diagnostics are current.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import type { LspClient } from '../test/helpers/lspClient';

export function goBuild(root: string, pattern: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('go', ['build', '-o', '/dev/null', '-gcflags=-m=2', pattern], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.resume();
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - t0));
  });
}

/**
 * didSave → the file's diagnostics are current: their publishDiagnostics, or, when the
 * compiler's output is the same as what is published (warm, unchanged), the `done` status
 * that says so without republishing.
 */
export async function lspSave(client: LspClient, file: string): Promise<number> {
  const published = client.nextDiagnostics(file, () => true, 300_000);
  const done = client.nextStatus((s) => s.packageDir === path.dirname(file) && s.state === 'done', 300_000);
  const t0 = performance.now();
  await client.save(file);
  await Promise.race([published, done]);
  const ms = performance.now() - t0;
  await done;
  published.catch(() => undefined);
  return ms;
}
