// Reading an HTTP response body HeapLens did not size: whole, but never past a limit.
// Shared by the pprof capture and the profiler clients (its own file, so neither
// imports the other).

/** A response body, read whole but never past `maxBytes` (then `tooBig()` is thrown). */
export async function readBodyBounded(res: Response, maxBytes: number, tooBig: () => Error): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooBig();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) { out.set(c, pos); pos += c.length; }
  return out;
}
