// Fetching a profile from a running program's /debug/pprof endpoint, bounded in
// time and size so a wrong URL cannot hang the editor or fill memory.
const MAX_BYTES = 256 * 1024 * 1024;

export async function captureFromUrl(url: string, signal?: AbortSignal, timeoutMs = 60_000): Promise<Uint8Array> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const both = signal ? AbortSignal.any([signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(url, { signal: both, redirect: 'follow' });
  } catch (e) {
    if (timeout.aborted) throw new Error(`no answer from ${url} within ${timeoutMs / 1000} s`);
    throw new Error(`cannot reach ${url}: ${e instanceof Error ? (e.cause as Error | undefined)?.message ?? e.message : String(e)}`);
  }
  if (!res.ok) throw new Error(`${url} answered ${res.status} ${res.statusText}`);
  if (!res.body) throw new Error(`${url} returned no body`);
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > MAX_BYTES) throw new Error(`${url} sent more than ${MAX_BYTES >> 20} MiB: not a heap profile?`);
    chunks.push(chunk);
  }
  const out = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) { out.set(c, off); off += c.length; }
  if (total === 0) throw new Error(`${url} returned an empty body`);
  return out;
}
