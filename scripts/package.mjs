// `npm run package`: the two files a user installs.
//   heaplens-<version>.vsix  the extension, with the user README (docs/extension-readme.md)
//                            as the page the Extensions view shows
//   heaplens-<version>.tgz   the CLI: one bundled file with a shebang and no dependencies,
//                            for `npm install -g ./heaplens-<version>.tgz`
// Usage: node scripts/package.mjs [--vsix-only | --cli-only] [--no-build] [--out DIR]
//   --no-build  package the bundles as they are (the CLI install test: no rebuild under running tests)
//   --out DIR   write the .tgz there instead of the repository root
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const only = process.argv.find((a) => a === '--vsix-only' || a === '--cli-only');
const outIndex = process.argv.indexOf('--out');
const outDir = outIndex > 0 ? resolve(process.argv[outIndex + 1]) : root;
const staging = outIndex > 0 ? join(outDir, 'staging') : join(root, 'out', 'package');

function must(cmd, args, cwd = root) {
  const r = spawnSync(cmd, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.error) throw r.error;
  if (r.status !== 0) { console.error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`); process.exit(1); }
}
const bin = (name) => join(root, 'node_modules', '.bin', name);

rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
if (!process.argv.includes('--no-build')) must(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production']);

if (only !== '--cli-only') {
  // The user README is written next to its images (docs/); inside the .vsix it sits at the
  // extension's root, so its relative links gain the `docs/` prefix there.
  const readme = readFileSync(join(root, 'docs', 'extension-readme.md'), 'utf8')
    .replace(/\]\((?!https?:|#|\/)([^)\s]+)\)/g, (_, link) => `](docs/${link})`);
  writeFileSync(join(staging, 'README.md'), readme);
  const vsix = `${pkg.name}-${pkg.version}.vsix`;
  must(bin('vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links',
    '--readme-path', 'out/package/README.md', '-o', vsix]);
}

if (only !== '--vsix-only') {
  // A package of its own, so a global install fetches nothing: the bundle needs no node_modules.
  const cli = join(staging, 'cli');
  mkdirSync(cli);
  copyFileSync(join(root, 'server', 'out', 'cli.js'), join(cli, 'heaplens.js'));
  copyFileSync(join(root, 'LICENSE'), join(cli, 'LICENSE'));
  writeFileSync(join(cli, 'README.md'), `# heaplens\n\nThe command line of HeapLens: Go escape analysis and heap profiles ` +
    `(\`heaplens escape ./...\`, \`heaplens top mem.out\`, \`heaplens lines\`, \`heaplens diff\`).\nRun \`heaplens --help\`.\n`);
  writeFileSync(join(cli, 'package.json'), JSON.stringify({
    name: pkg.name,
    version: pkg.version,
    description: 'HeapLens command line: Go escape analysis and heap profiles, without an editor.',
    license: pkg.license,
    bin: { heaplens: 'heaplens.js' },
    engines: { node: pkg.engines.node },
    files: ['heaplens.js'],
  }, null, 2) + '\n');
  must('npm', ['pack', '--silent', '--pack-destination', outDir], cli);
}
