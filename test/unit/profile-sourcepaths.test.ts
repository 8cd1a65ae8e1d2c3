// Source mapping on real directory layouts: a fake GOMODCACHE with `!`-escaped
// capitals, a vendor dir, a go.work workspace, GOROOT, another machine's paths, user
// mappings; and a real -trimpath build whose profile must resolve completely.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { aggregate } from '../../server/src/profile/aggregate';
import { decodeProfile } from '../../server/src/profile/decode';
import { findWorkspaceModules, goEnv, loadResolveContext, parseGoWorkUses, parseModulePath } from '../../server/src/profile/goEnv';
import type { ResolveContext } from '../../server/src/profile/model';
import { escapeModulePath, resolveFiles, resolveSourcePath, unescapeModulePath } from '../../server/src/profile/sourcePaths';
import { HEAP_PROGRAM } from '../helpers/profileFixtures';
import { tempDir } from '../helpers/goFixture';

const execFileP = promisify(execFile);
const root = tempDir('heaplens-paths-');
function touch(rel: string, text = 'package x\n'): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, text);
  return p;
}
const modcache = path.join(root, 'gomodcache');
const goroot = path.join(root, 'goroot');
const ws = path.join(root, 'ws');
touch('goroot/src/runtime/malloc.go');
touch('goroot/src/net/http/server.go');
touch('gomodcache/github.com/!azure/go-autorest@v1.2.3/autorest/client.go');
touch('gomodcache/github.com/!burnt!sushi/toml@v1.3.2-!r!c1/decode.go');
touch('ws/go.work', 'go 1.22\n\nuse (\n\t./app // the service\n\t"./lib"\n)\n');
touch('ws/app/go.mod', 'module example.com/app\n\ngo 1.22\n');
touch('ws/app/internal/store/store.go');
touch('ws/app/vendor/github.com/pkg/errors/errors.go');
touch('ws/lib/go.mod', 'module "example.com/lib"\n');
touch('ws/lib/y.go');
touch('ws/tools/gen/deep/z.go');

const ctx: ResolveContext = {
  goroot, gomodcache: modcache,
  workspaceModules: findWorkspaceModules(path.join(ws, 'app', 'internal')),
  workspaceFiles: [path.join(ws, 'tools/gen/deep/z.go'), path.join(ws, 'app/internal/store/store.go')],
  userMappings: [{ from: '/buildroot/lib/', to: path.join(ws, 'lib') + '/' }],
};

test('go.work and go.mod are read: modules of the workspace', () => {
  assert.deepEqual(ctx.workspaceModules.map((m) => [m.modulePath, m.dir]).sort(), [
    ['example.com/app', path.join(ws, 'app')], ['example.com/lib', path.join(ws, 'lib')],
  ]);
  assert.equal(parseModulePath('// c\nmodule   example.com/x/v2 // trailing\n'), 'example.com/x/v2');
  assert.deepEqual(parseGoWorkUses('use ./a\nuse (\n ./b\n "./c" // why\n)\n'), ['./a', './b', './c']);
  assert.equal(escapeModulePath('github.com/BurntSushi/toml'), 'github.com/!burnt!sushi/toml');
  assert.equal(unescapeModulePath('github.com/!burnt!sushi/toml'), 'github.com/BurntSushi/toml');
});

const cases: [string, string, string | null][] = [
  ['GOROOT placeholder', '$GOROOT/src/runtime/malloc.go', 'goroot/src/runtime/malloc.go'],
  ['another machine\'s GOROOT', '/opt/hostedtoolcache/go/1.22.1/x64/src/net/http/server.go', 'goroot/src/net/http/server.go'],
  ['-trimpath std file', 'runtime/malloc.go', 'goroot/src/runtime/malloc.go'],
  ['-trimpath dependency with @version, capitals escaped', 'github.com/Azure/go-autorest@v1.2.3/autorest/client.go', 'gomodcache/github.com/!azure/go-autorest@v1.2.3/autorest/client.go'],
  ['escaped capitals in the version too', 'github.com/BurntSushi/toml@v1.3.2-RC1/decode.go', 'gomodcache/github.com/!burnt!sushi/toml@v1.3.2-!r!c1/decode.go'],
  ['another machine\'s module cache', '/home/ci/go/pkg/mod/github.com/!azure/go-autorest@v1.2.3/autorest/client.go', 'gomodcache/github.com/!azure/go-autorest@v1.2.3/autorest/client.go'],
  ['vendored dependency, @version', 'github.com/pkg/errors@v0.9.1/errors.go', 'ws/app/vendor/github.com/pkg/errors/errors.go'],
  ['vendored dependency, GOPATH-style', 'github.com/pkg/errors/errors.go', 'ws/app/vendor/github.com/pkg/errors/errors.go'],
  ['-trimpath main module', 'example.com/app/internal/store/store.go', 'ws/app/internal/store/store.go'],
  ['-trimpath workspace module (go.work use)', 'example.com/lib/y.go', 'ws/lib/y.go'],
  ['another machine\'s checkout', '/home/ci/build/service/app/internal/store/store.go', 'ws/app/internal/store/store.go'],
  ['suffix match among workspace files', '/somewhere/else/gen/deep/z.go', 'ws/tools/gen/deep/z.go'],
  ['user mapping', '/buildroot/lib/y.go', 'ws/lib/y.go'],
  ['same machine, absolute', path.join(ws, 'lib/y.go'), 'ws/lib/y.go'],
  ['unknown file stays unresolved', '/nowhere/at/all/q.go', null],
  ['unknown module stays unresolved', 'example.org/none@v1.0.0/q.go', null],
  ['empty name', '', null],
];
for (const [name, input, want] of cases) {
  test(`resolve: ${name}`, () => {
    assert.equal(resolveSourcePath(input, ctx), want === null ? null : path.join(root, want));
  });
}

test('a real -trimpath build resolves every file of its profile through go env and go.mod', async () => {
  const dir = path.join(root, 'real');
  fs.mkdirSync(path.join(dir, 'cmd', 'heap'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/realapp\n\ngo 1.21\n');
  fs.writeFileSync(path.join(dir, 'cmd', 'heap', 'main.go'), HEAP_PROGRAM);
  await execFileP('go', ['build', '-trimpath', '-o', path.join(dir, 'heapbin'), './cmd/heap'], { cwd: dir, env: { ...process.env, GOTOOLCHAIN: 'local' } });
  await execFileP(path.join(dir, 'heapbin'), [path.join(dir, 'a.pb.gz'), path.join(dir, 'h.pb.gz')], { cwd: dir });
  const agg = aggregate(decodeProfile(fs.readFileSync(path.join(dir, 'a.pb.gz'))));
  assert.ok(agg.files.includes('example.com/realapp/cmd/heap/main.go'), 'module path recorded, not the disk path');
  assert.ok(agg.files.some((f) => f.startsWith('runtime/')), 'std files recorded relative to GOROOT');
  const real = await loadResolveContext(dir);
  const env = await goEnv(dir);
  assert.equal(real.goroot, env.goroot);
  const resolved = resolveFiles(agg, real);
  agg.files.forEach((f, i) => {
    if (!f) return;
    assert.ok(resolved[i] && fs.existsSync(resolved[i]!), `${f} resolved`);
  });
  assert.equal(resolved[agg.files.indexOf('example.com/realapp/cmd/heap/main.go')], path.join(dir, 'cmd', 'heap', 'main.go'));
});
