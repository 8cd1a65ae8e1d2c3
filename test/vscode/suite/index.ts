// Entry point VS Code loads as `extensionTestsPath` (inside code-server by
// runInCodeServer.ts, or inside a downloaded VS Code by runInElectron.ts): runs
// every *.test.js next to this file with Mocha (tdd interface) and rejects when any
// test fails, which VS Code turns into the exit code.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'tdd',
    color: false,
    // Real `go` runs and a cold extension host: generous, and each test still waits on events.
    timeout: 120_000,
    grep: process.env.HEAPLENS_VSCODE_GREP,
  });
  for (const name of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, name));
  }
  return new Promise((resolve, reject) => {
    mocha.run((failures) => (failures ? reject(new Error(`${failures} test(s) failed`)) : resolve()));
  });
}
