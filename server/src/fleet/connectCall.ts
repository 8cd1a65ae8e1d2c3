// One unary call of the Connect protocol (what Pyroscope serves on its HTTP port):
// POST base/Service/Method with a protobuf body; errors come back as JSON
// {"code","message"} with an HTTP status. Bounded in time and size; every failure
// is one sentence naming the server.
import { readBodyBounded } from '../limits/readBody';
import { ProfileError } from '../profile/model';

export interface CallOptions {
  headers: Record<string, string>;
  signal?: AbortSignal;
  timeoutMs: number;
  maxBytes: number;
  /** For messages: "Pyroscope at http://host:4040". */
  serverName: string;
}

export class ConnectError extends ProfileError {
  /** `detail` is the server's own message. */
  constructor(message: string, readonly status: number, readonly code: string, readonly detail: string) { super(message); }
}

export async function connectUnary(url: string, body: Uint8Array, opts: CallOptions): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(opts.timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      body,
      signal,
      headers: { 'Content-Type': 'application/proto', 'Connect-Protocol-Version': '1', ...opts.headers },
    });
  } catch (e) {
    if (timeout.aborted) throw new ProfileError(`${opts.serverName} did not answer within ${Math.round(opts.timeoutMs / 1000)} s`);
    if (opts.signal?.aborted) throw new ProfileError(`cancelled: ${opts.serverName}`);
    const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
    throw new ProfileError(`cannot reach ${opts.serverName}: ${cause}`);
  }
  const bytes = await readBounded(res, opts);
  if (res.ok) return bytes;
  let code = '';
  let message = '';
  try {
    const j = JSON.parse(new TextDecoder().decode(bytes)) as { code?: string; message?: string };
    code = j.code ?? '';
    message = j.message ?? '';
  } catch {
    message = new TextDecoder().decode(bytes.subarray(0, 200)).trim();
  }
  const detail = message || res.statusText;
  throw new ConnectError(`${opts.serverName}: ${detail} (HTTP ${res.status}${code ? `, ${code}` : ''})`, res.status, code, detail);
}

async function readBounded(res: Response, opts: CallOptions): Promise<Uint8Array> {
  try {
    return await readBodyBounded(res, opts.maxBytes, () => new ProfileError(`the answer of ${opts.serverName} is larger than ${opts.maxBytes} bytes; narrow the range or set maxNodes`));
  } catch (e) {
    if (e instanceof ProfileError) throw e;
    throw new ProfileError(`${opts.serverName} broke off its answer: ${e instanceof Error ? e.message : String(e)}`);
  }
}
