// `npm run test:electron`: the same integration suite in a VS Code downloaded by
// @vscode/test-electron, for machines that can reach update.code.visualstudio.com
// (these CI machines cannot; they use runInCodeServer.ts). Opens a copy of
// examples/shop in a temp folder, as the code-server runner does.
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { copyExample, makeRunDirs, removeRunDirs, repoRoot } from './host/codeServer';

async function main(): Promise<number> {
  const dirs = makeRunDirs('electron');
  try {
    const ws = copyExample(dirs);
    return await runTests({
      version: process.env.HEAPLENS_VSCODE_VERSION || '1.100.3',
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js'),
      launchArgs: [ws, '--disable-workspace-trust', '--disable-extensions', '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions],
      extensionTestsEnv: { GOCACHE: dirs.env.GOCACHE },
    });
  } finally {
    removeRunDirs(dirs);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`test:electron: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
