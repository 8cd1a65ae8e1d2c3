// The `vscode` test layer: runs the Mocha suite in test/vscode/suite inside a real
// VS Code (code-server's Node extension host; HEAPLENS_VSCODE=newest for 1.139.1), with the extension loaded
// from this repository as a development extension, on a copy of examples/shop.
// Exit code = the suite's. code-server and Chromium are always torn down, and the
// whole run is bounded by HEAPLENS_VSCODE_TIMEOUT_MS (default 5 min).
import { join } from 'node:path';
import { format } from 'node:util';
import { copyExample, launchChromium, makeRunDirs, remoteUri, removeRunDirs, repoRoot, startCodeServer, target, type Browser, type CodeServer } from './host/codeServer';

const timeoutMs = Number(process.env.HEAPLENS_VSCODE_TIMEOUT_MS) || 5 * 60_000;

async function main(): Promise<number> {
  const t0 = Date.now();
  const dirs = makeRunDirs('vscode');
  const ws = copyExample(dirs);
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  let timer: NodeJS.Timeout | undefined;
  try {
    server = await startCodeServer({ dirs, testDriver: true });
    const port = server.port;
    browser = await launchChromium(dirs);
    const ready = ((Date.now() - t0) / 1000).toFixed(1);
    const { page } = browser;

    let resolveExit!: (code: number) => void;
    const exit = new Promise<number>((res) => { resolveExit = res; });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown) => {
      // The extension host forwards console.log's arguments as given (Mocha's
      // reporter passes printf-style formats), so format them the way Node would.
      const text = Array.isArray(args) ? format(...args) : String(args);
      // The marketplace (open-vsx.org) is unreachable here and not needed.
      if (text.includes('open-vsx.org')) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${text}\n`);
    });
    // Surface workbench crashes, which would otherwise only show as a timeout.
    page.on('pageerror', (e) => process.stderr.write(`[page error] ${e.message}\n`));

    const payload = [
      ['extensionDevelopmentPath', remoteUri(port, repoRoot)],
      ['extensionTestsPath', remoteUri(port, join(repoRoot, 'out', 'test', 'vscode', 'suite', 'index.js'))],
    ];
    const url = `${server.url}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });

    const timedOut = new Promise<number>((res) => {
      timer = setTimeout(() => {
        process.stderr.write(`vscode layer: no result after ${timeoutMs} ms; code-server said:\n${server!.output().slice(-4000)}\n`);
        res(1);
      }, timeoutMs - (Date.now() - t0));
    });
    const code = await Promise.race([exit, timedOut]);
    process.stdout.write(`vscode layer: suite exited ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s in VS Code ${target.vscodeVersion} (code-server and Chromium up after ${ready} s)\n`);
    return code;
  } finally {
    if (timer) clearTimeout(timer);
    await browser?.close();
    await server?.close();
    if (!process.env.HEAPLENS_KEEP_RUN_DIR) removeRunDirs(dirs);
    else process.stdout.write(`run dir kept: ${dirs.root}\n`);
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`vscode layer: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    process.exit(1);
  },
);
