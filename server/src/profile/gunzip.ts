// Gzip detection and bounded inflation: a few KiB of gzip can claim gigabytes, so
// inflation stops as soon as the output passes the limit (decode.ts sets it relative
// to the file's size, limits.ts). Two inflaters: Node's
// zlib (native, 3-4× faster on big profiles; maxOutputLength bounds it) where it
// exists, and pako in chunks everywhere else (a browser) or when asked for.
import * as zlib from 'node:zlib';
import { Inflate } from 'pako';
import { size } from './limits';
import { ProfileError } from './model';

export type Inflater = 'native' | 'pako';

export const DEFAULT_MAX_INFLATED = 512 * 1024 * 1024;
const INPUT_CHUNK = 64 * 1024;
const Z_BUF_ERROR = -5;

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Inflates at most `maxBytes`; past that, one sentence naming the file's size (`fileBytes`). */
export function gunzipBounded(bytes: Uint8Array, maxBytes = DEFAULT_MAX_INFLATED, inflater: Inflater = defaultInflater(), fileBytes = bytes.length): Uint8Array {
  const tooBig = () => new ProfileError(`this profile inflates to more than ${formatLimit(maxBytes)} from ${size(fileBytes)} of gzip; refusing: more than ${formatLimit(maxBytes)} for a file this size`);
  return inflater === 'native' ? gunzipNative(bytes, maxBytes, tooBig) : gunzipPako(bytes, maxBytes, tooBig);
}

function defaultInflater(): Inflater {
  return typeof zlib.gunzipSync === 'function' ? 'native' : 'pako';
}

function gunzipNative(bytes: Uint8Array, maxBytes: number, tooBig: () => ProfileError): Uint8Array {
  try {
    // The gzip trailer's size (mod 2^32, possibly a lie) as the output chunk size:
    // right, it inflates into one buffer with no copy; wrong, nothing breaks.
    const n = bytes.length;
    const isize = n >= 18 ? (bytes[n - 4] | (bytes[n - 3] << 8) | (bytes[n - 2] << 16) | (bytes[n - 1] << 24)) >>> 0 : 0;
    const chunkSize = Math.max(64 * 1024, Math.min(isize + 1, maxBytes + 1, 1 << 30));
    const out = zlib.gunzipSync(bytes, { maxOutputLength: maxBytes, chunkSize });
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') throw tooBig();
    if (code === 'Z_BUF_ERROR') throw new ProfileError('truncated gzip data');
    throw new ProfileError(`corrupt gzip data (${(e as Error).message})`);
  }
}

function gunzipPako(bytes: Uint8Array, maxBytes: number, tooBig: () => ProfileError): Uint8Array {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const inflate = new Inflate({ chunkSize: 256 * 1024 });
  inflate.onData = (chunk: Uint8Array) => {
    total += chunk.length;
    // Throwing from onData unwinds out of push(), so no more output is produced.
    if (total > maxBytes) throw tooBig();
    chunks.push(chunk);
  };
  inflate.onEnd = () => {};
  for (let off = 0; off < bytes.length && !inflate.ended; off += INPUT_CHUNK) {
    const last = off + INPUT_CHUNK >= bytes.length;
    inflate.push(bytes.subarray(off, Math.min(bytes.length, off + INPUT_CHUNK)), last);
    // Z_BUF_ERROR on the last chunk: the stream needed more input than there was.
    if (inflate.err === Z_BUF_ERROR) throw new ProfileError('truncated gzip data');
    if (inflate.err) throw new ProfileError(`corrupt gzip data (${inflate.msg || `zlib error ${inflate.err}`})`);
  }
  if (!inflate.ended) throw new ProfileError('truncated gzip data');
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) { out.set(c, pos); pos += c.length; }
  return out;
}

function formatLimit(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : size(n);
}
