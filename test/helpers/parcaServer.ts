// A local stand-in for Parca's query API, for HeapLens's tests: Parca's server
// cannot be installed here, so this answers QueryService over gRPC-Web (what Parca
// serves on its HTTP port) with Parca's own generated messages (@parca/client),
// merging stored profiles with google/pprof (the Pyroscope stand-in's -merge mode).
import { execFile } from 'node:child_process';
import * as http from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import type * as Parca from './parcaMessages';
import type { StoredProfile } from './pyroscopeServer';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ProfileTypesRequest, ProfileTypesResponse, QueryRequest, QueryResponse, ValuesRequest, ValuesResponse, Timestamp } = require(path.join(__dirname, '..', 'parca-messages.bundle.js')) as typeof Parca;
type Timestamp = Parca.Timestamp;

const execFileP = promisify(execFile);

export interface ParcaOptions {
  token?: string;
  /** Polar Signals Cloud: the projectID header must be this. */
  project?: string;
}

class GrpcError extends Error {
  constructor(readonly code: number, message: string) { super(message); }
}
const UNAUTHENTICATED = 16;
const PERMISSION_DENIED = 7;
const INVALID_ARGUMENT = 3;
const UNIMPLEMENTED = 12;

const GO_HEAP_TYPES: [string, string, boolean][] = [['alloc_objects', 'count', true], ['alloc_space', 'bytes', true], ['inuse_objects', 'count', false], ['inuse_space', 'bytes', false]];

export class ParcaServer {
  private constructor(private readonly server: http.Server, readonly hostPort: string) {}

  static async start(mergeBin: string, store: StoredProfile[], opts: ParcaOptions = {}): Promise<ParcaServer> {
    const ms = (t?: Timestamp) => (t ? Number(Timestamp.toDate(t)) : 0);
    const inRange = (start?: Timestamp, end?: Timestamp) => store.filter((e) => (!start || e.timeMs >= ms(start)) && (!end || e.timeMs <= ms(end)));
    const handlers: Record<string, (body: Uint8Array) => Promise<Uint8Array>> = {
      async ProfileTypes(body) {
        const req = ProfileTypesRequest.fromBinary(body);
        const types = inRange(req.start, req.end).length ? GO_HEAP_TYPES.map(([t, unit, delta]) => ({ name: 'memory', sampleType: t, sampleUnit: unit, periodType: 'space', periodUnit: 'bytes', delta })) : [];
        return ProfileTypesResponse.toBinary(ProfileTypesResponse.create({ types }));
      },
      async Values(body) {
        const req = ValuesRequest.fromBinary(body);
        const values = [...new Set(inRange(req.start, req.end).map((e) => e.labels[req.labelName]).filter((v) => v !== undefined))].sort();
        return ValuesResponse.toBinary(ValuesResponse.create({ labelValues: values }));
      },
      async Query(body) {
        const req = QueryRequest.fromBinary(body);
        if (req.options.oneofKind !== 'merge') throw new GrpcError(UNIMPLEMENTED, 'only merge queries are served here');
        const m = /^([\w]+):([\w]+):([\w]+):([\w]+):([\w]+)(:delta)?\{(.*)\}$/.exec(req.options.merge.query);
        if (!m) throw new GrpcError(INVALID_ARGUMENT, `failed to parse query: ${req.options.merge.query}`);
        const want = Object.fromEntries([...m[7].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
        const files = inRange(req.options.merge.start, req.options.merge.end)
          .filter((e) => Object.entries(want).every(([k, v]) => e.labels[k] === v)).map((e) => e.file);
        const merged = files.length ? (await execFileP(mergeBin, ['-merge', '-type', m[2], ...files], { encoding: 'buffer', maxBuffer: 1 << 28 })).stdout : Buffer.alloc(0);
        // Parca's pprof report is gzip-compressed; an empty merge is an empty profile.
        const pprof = merged.length ? new Uint8Array(merged) : new Uint8Array(zlib.gzipSync(Buffer.alloc(0)));
        return QueryResponse.toBinary(QueryResponse.create({ report: { oneofKind: 'pprof', pprof } }));
      },
    };
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const trailersOnly = (code: number, message: string) => {
          res.writeHead(200, { 'content-type': 'application/grpc-web+proto', 'grpc-status': String(code), 'grpc-message': encodeURIComponent(message) });
          res.end();
        };
        const method = /^\/parca\.query\.v1alpha1\.QueryService\/(\w+)$/.exec(req.url ?? '')?.[1];
        const handler = method ? handlers[method] : undefined;
        if (!handler) { res.writeHead(404); res.end(); return; }
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return trailersOnly(UNAUTHENTICATED, 'invalid token');
        if (opts.project && req.headers.projectid !== opts.project) return trailersOnly(PERMISSION_DENIED, `no access to project ${String(req.headers.projectid ?? '(none)')}`);
        const body = Buffer.concat(chunks);
        const len = body.readUInt32BE(1);
        handler(new Uint8Array(body.subarray(5, 5 + len))).then((out) => {
          const trailer = Buffer.from('grpc-status: 0\r\ngrpc-message: \r\n');
          const frame = (flag: number, data: Uint8Array) => { const h = Buffer.alloc(5); h[0] = flag; h.writeUInt32BE(data.length, 1); return Buffer.concat([h, data]); };
          res.writeHead(200, { 'content-type': 'application/grpc-web+proto' });
          res.end(Buffer.concat([frame(0, out), frame(0x80, trailer)]));
        }, (e: unknown) => trailersOnly(e instanceof GrpcError ? e.code : 13, e instanceof Error ? e.message : String(e)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new ParcaServer(server, `127.0.0.1:${(server.address() as import('node:net').AddressInfo).port}`);
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
