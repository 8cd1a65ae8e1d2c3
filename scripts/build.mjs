// Bundles every entry point with esbuild: one context per entry, as the style guide asks.
// Usage: node scripts/build.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const node = { platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] };
// The Go helper's sources inside the CLI, which is installed as one file: `heaplens check`
// builds the helper from them when no gohelper/ is beside it (server/src/fixes/goHelper.ts).
const gohelperSources = Object.fromEntries(readdirSync('gohelper')
  .filter((n) => n === 'go.mod' || (n.endsWith('.go') && !n.endsWith('_test.go')))
  .map((n) => [n, readFileSync(`gohelper/${n}`, 'utf8')]));
const entries = [
  { entryPoints: ['client/src/extension.ts'], outfile: 'client/out/extension.js', ...node },
  // Forked by extension.js (decodeRunner.ts): profiles decode in a child process with its own memory limit.
  { entryPoints: ['client/src/profileEditor/decodeWorker.ts'], outfile: 'client/out/decodeWorker.js', ...node },
  { entryPoints: ['server/src/server.ts'], outfile: 'server/out/server.js', ...node },
  // Forked by server.js for each profile load: decoding runs in its own process (hotspots/load.ts).
  { entryPoints: ['server/src/hotspots/loaderMain.ts'], outfile: 'server/out/profileLoader.js', ...node },
  { entryPoints: ['server/src/cli/main.ts'], outfile: 'server/out/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { __HEAPLENS_GOHELPER_SOURCES__: JSON.stringify(gohelperSources) }, ...node },
  // Test-only: Parca's generated messages for the Parca stand-in (test/helpers/parcaServer.ts).
  { entryPoints: ['test/helpers/parcaMessages.ts'], outfile: 'out/test/parca-messages.bundle.js', ...node },
  // Test-only: the profiler clients bundled, as the server runs them (Parca's client is ESM; tsc's CommonJS cannot load it).
  { entryPoints: ['server/src/fleet/index.ts'], outfile: 'out/test/fleet.bundle.js', ...node },
  { entryPoints: ['media/src/flamegraph/main.ts'], outfile: 'media/out/flamegraph.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { entryPoints: ['media/src/watch/main.ts'], outfile: 'media/out/watch.js', platform: 'browser', format: 'iife', target: 'es2022' },
].filter((e) => existsSync(e.entryPoints[0]));

const contexts = await Promise.all(entries.map((e) => esbuild.context({
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'warning',
  ...e,
})));
await Promise.all(contexts.map((c) => c.rebuild()));
if (existsSync('server/out/cli.js')) chmodSync('server/out/cli.js', 0o755);
if (watch) {
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(contexts.map((c) => c.dispose()));
}
