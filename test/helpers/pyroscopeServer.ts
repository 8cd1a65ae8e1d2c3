// The local Pyroscope stand-in (test/servers/pyroscope: Pyroscope's own generated
// Connect handlers over real profiles), built once per test file and started on a
// free 127.0.0.1 port with the auth, tenant and path prefix a test asks for.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './goFixture';

const execFileP = promisify(execFile);

export interface StoredProfile {
  labels: Record<string, string>;
  timeMs: number;
  file: string;
}

export interface PyroscopeOptions {
  /** Listen address; default 127.0.0.1 on a free port. */
  addr?: string;
  token?: string;
  user?: string;
  password?: string;
  tenant?: string;
  prefix?: string;
}

export async function buildPyroscopeServer(outDir: string): Promise<string> {
  const bin = path.join(outDir, 'pyroscope-server');
  await execFileP('go', ['build', '-o', bin, '.'], {
    cwd: path.join(repoRoot, 'test', 'servers', 'pyroscope'),
    env: { ...process.env, GOFLAGS: '-mod=mod' },
    timeout: 600_000,
  });
  return bin;
}

export class PyroscopeServer {
  private constructor(private readonly proc: ChildProcess, readonly hostPort: string) {}

  static async start(bin: string, store: StoredProfile[], opts: PyroscopeOptions = {}): Promise<PyroscopeServer> {
    const storeFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'heaplens-pyro-')), 'store.json');
    fs.writeFileSync(storeFile, JSON.stringify(store));
    const { addr = '127.0.0.1:0', ...flags } = opts;
    const args = ['-addr', addr, '-store', storeFile];
    for (const [k, v] of Object.entries(flags)) if (v !== undefined) args.push(`-${k}`, v);
    const proc = spawn(bin, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const hostPort = await new Promise<string>((resolve, reject) => {
      proc.stdout!.once('data', (d: Buffer) => resolve(/listening on http:\/\/(\S+)/.exec(d.toString())?.[1] ?? ''));
      proc.once('exit', (code) => reject(new Error(`pyroscope server exited ${code}`)));
    });
    proc.once('exit', () => fs.rmSync(path.dirname(storeFile), { recursive: true, force: true }));
    return new PyroscopeServer(proc, hostPort);
  }

  stop(): void {
    this.proc.kill();
  }
}
