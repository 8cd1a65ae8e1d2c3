// `npm run bench`: builds, then runs every benchmark in bench/ (compiled to out/bench/)
// one after the other, so they never compete for the two cores.
// Each benchmark prints its own side-by-side table with ratios.
//   node scripts/bench.mjs            all
//   node scripts/bench.mjs escape     only bench/escape*.bench.ts
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';

const filter = process.argv.slice(2);
const must = (r) => { if (r.status !== 0) process.exit(r.status ?? 1); };
must(spawnSync('node', ['scripts/build.mjs'], { stdio: 'inherit' }));
must(spawnSync('npx', ['tsc', '-p', '.'], { stdio: 'inherit' }));
const dir = 'out/bench';
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort() : [];
let failed = 0;
for (const f of files) {
  if (filter.length && !filter.some((x) => f.startsWith(x))) continue;
  console.log(`\n=== ${f.replace(/\.bench\.js$/, '')} ===`);
  const r = spawnSync('node', ['--expose-gc', `${dir}/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
console.log(`\n${new Date().toISOString()} · node ${process.version} · ${process.platform}/${process.arch}`);
process.exit(failed ? 1 : 0);
