// Fetches a profile from a Go program's net/http/pprof endpoint, bounded in time and size.
import { fetchFleetProfile, isFleetUrl } from '../fleet';
import { readBodyBounded } from '../limits/readBody';
import { ProfileError, type CaptureOptions } from './model';

export const DEFAULT_MAX_CAPTURE_BYTES = 256 * 1024 * 1024;
/** Longest delta profile (?seconds=N) HeapLens waits for. */
export const MAX_CAPTURE_SECONDS = 3600;

/** A pprof endpoint (http/https) or a continuous profiler (pyroscope://…). */
export function isProfileUrl(s: string): boolean {
  return /^https?:\/\//i.test(s) || isFleetUrl(s);
}

export async function captureProfile(url: string, opts: CaptureOptions = {}): Promise<Uint8Array> {
  if (isFleetUrl(url)) {
    const r = await fetchFleetProfile(url, { signal: opts.signal, timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes, token: opts.token });
    for (const n of r.notes) opts.onNote?.(n);
    return r.bytes;
  }
  let u: URL;
  try { u = new URL(url); } catch { throw new ProfileError(`not a URL: ${url}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ProfileError(`unsupported URL scheme ${u.protocol} (use http or https)`);
  // A delta profile (?seconds=N) takes N seconds before the server answers.
  const raw = u.searchParams.get('seconds');
  const seconds = Number(raw ?? 0);
  if (raw !== null && !(Number.isFinite(seconds) && seconds >= 0)) {
    throw new ProfileError(`?seconds=${raw} is not a number of seconds`);
  }
  // Past this the timer itself would overflow (and fire at once); an hour is already a long delta.
  if (seconds > MAX_CAPTURE_SECONDS) {
    throw new ProfileError(`?seconds=${raw} is too long: HeapLens captures at most ${MAX_CAPTURE_SECONDS} seconds (1 hour); use a shorter window`);
  }
  const timeoutMs = Math.min(opts.timeoutMs ?? (seconds > 0 ? seconds * 1000 : 0) + 30000, 2 ** 31 - 1);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
  let res: Response;
  try {
    res = await fetch(u, { signal, redirect: 'follow' });
  } catch (e) {
    throw captureError(e, url, timeout, timeoutMs);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new ProfileError(`HTTP ${res.status} ${res.statusText} from ${url}`);
  }
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > maxBytes) {
    await res.body?.cancel().catch(() => {});
    throw new ProfileError(`profile at ${url} is larger than the ${maxBytes} byte limit`);
  }
  try {
    return await readBodyBounded(res, maxBytes, () => new ProfileError(`profile at ${url} is larger than the ${maxBytes} byte limit`));
  } catch (e) {
    if (e instanceof ProfileError) throw e;
    throw captureError(e, url, timeout, timeoutMs);
  }
}

function captureError(e: unknown, url: string, timeout: AbortSignal, timeoutMs: number): ProfileError {
  if (timeout.aborted) return new ProfileError(`timed out after ${timeoutMs} ms fetching ${url}`);
  if (e instanceof Error && e.name === 'AbortError') return new ProfileError(`cancelled fetching ${url}`);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause.message : e instanceof Error ? e.message : String(e);
  return new ProfileError(`cannot fetch ${url}: ${cause}`);
}
