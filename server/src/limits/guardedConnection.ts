// The language server's connection, with every incoming message checked before
// vscode-jsonrpc parses or logs it (jsonDepth.ts says why). A message that nests
// too deep or is too large is replaced by a notification the server logs, so the
// connection stays in step and the server stays up.
import { Transform, type TransformCallback } from 'node:stream';
import {
  createConnection,
  IPCMessageReader,
  IPCMessageWriter,
  ProposedFeatures,
  type Connection,
  type DataCallback,
  type Disposable,
} from 'vscode-languageserver/node';
import { jsonTextTooDeep, jsonValueTooDeep, MAX_JSON_DEPTH } from './jsonDepth';

/** Sent to the server in place of a refused message. */
export const REJECTED_METHOD = '$/heaplens/rejectedMessage';
/** Larger frames are skipped unread (a didOpen of a 256 MB file is not a Go file). */
export const MAX_FRAME_BYTES = 256 * 1024 * 1024;

function rejection(reason: string): Buffer {
  const body = JSON.stringify({ jsonrpc: '2.0', method: REJECTED_METHOD, params: { reason } });
  return Buffer.from(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
}

/** Splits the LSP base protocol into frames and passes each on, or its rejection. */
export class FrameGuard extends Transform {
  /** Unconsumed input, as received (joined only when a whole header or body is there). */
  private chunks: Buffer[] = [];
  private length = 0;
  /** Body bytes of the current frame (-1: reading headers). */
  private need = -1;
  private header: Buffer = Buffer.alloc(0);
  private skipping = false;

  private consume(n: number): Buffer {
    const all = this.chunks.length === 1 ? this.chunks[0] : Buffer.concat(this.chunks, this.length);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.chunks = rest.length ? [rest] : [];
    this.length = rest.length;
    return out;
  }

  _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
    for (;;) {
      if (this.need < 0) {
        if (this.chunks.length > 1) this.chunks = [this.consume(this.length)];
        const end = this.chunks[0]?.indexOf('\r\n\r\n') ?? -1;
        if (end < 0) {
          if (this.length > 64 * 1024) { this.consume(this.length); this.push(rejection('a header of more than 64 KB')); }
          break;
        }
        this.header = Buffer.from(this.consume(end + 4));
        const m = /Content-Length:\s*(\d+)/i.exec(this.header.toString('ascii'));
        this.need = m ? Number(m[1]) : 0;
        this.skipping = this.need > MAX_FRAME_BYTES;
        if (this.skipping) this.push(rejection(`a message of ${this.need} bytes (limit ${MAX_FRAME_BYTES})`));
      }
      if (this.skipping) {
        const n = Math.min(this.need, this.length);
        this.consume(n);
        this.need -= n;
        if (this.need > 0) break;
        this.need = -1;
        continue;
      }
      if (this.length < this.need) break;
      const body = this.consume(this.need);
      this.need = -1;
      if (jsonTextTooDeep(body)) this.push(rejection(`a message nested more than ${MAX_JSON_DEPTH} deep`));
      else this.push(Buffer.concat([this.header, body]));
    }
    done();
  }
}

/** IPC hands over parsed objects: check those. */
class GuardedIpcReader extends IPCMessageReader {
  listen(callback: DataCallback): Disposable {
    return super.listen((msg) => {
      if (jsonValueTooDeep(msg)) {
        callback({ jsonrpc: '2.0', method: REJECTED_METHOD, params: { reason: `a message nested more than ${MAX_JSON_DEPTH} deep` } } as never);
      } else callback(msg);
    });
  }
}

/** Like createConnection(ProposedFeatures.all) for --stdio and --node-ipc, with the guard; other transports as the library does them. */
export function createGuardedConnection(argv = process.argv.slice(2)): Connection {
  let connection: Connection;
  if (argv.includes('--stdio')) {
    // The library's own stdio redirection of console.* is lost with a custom stream: do it here.
    for (const k of ['log', 'info', 'warn', 'error', 'debug'] as const) console[k] = (...a: unknown[]) => process.stderr.write(a.map(String).join(' ') + '\n');
    const input = process.stdin.pipe(new FrameGuard());
    process.stdin.on('end', () => input.end());
    connection = createConnection(ProposedFeatures.all, input, process.stdout);
  } else if (argv.includes('--node-ipc')) {
    connection = createConnection(ProposedFeatures.all, new GuardedIpcReader(process), new IPCMessageWriter(process));
  } else {
    connection = createConnection(ProposedFeatures.all);
  }
  connection.onNotification(REJECTED_METHOD, (p: { reason?: string }) => {
    connection.console.warn(`HeapLens ignored a client message: ${p?.reason ?? 'malformed'}`);
  });
  return connection;
}
