// The URLs a heap watch reads, from what a user types: a pprof index
// (http://host:6060/debug/pprof/), a host (http://host:6060) or a profile URL.
import { ProfileError } from '../profile/model';

export interface Endpoints {
  /** The pprof index, ending in '/'. Shown to people. */
  base: string;
  heap(gc: boolean): string;
  goroutine: string;
  /** Go 1.26's goroutineleak profile as text: the only form that names each goroutine's creator. */
  goroutineLeak: string;
  /** heap?debug=1: its text ends with the `# runtime.MemStats` trailer. */
  heapText: string;
  /** expvar's /debug/vars, when the program imports expvar. */
  vars: string;
}

export function endpointsFor(input: string): Endpoints {
  let u: URL;
  try { u = new URL(input.trim()); } catch { throw new ProfileError(`not a URL: ${input}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ProfileError(`unsupported URL scheme ${u.protocol} (use http or https)`);
  u.search = '';
  u.hash = '';
  let p = u.pathname;
  const at = p.indexOf('/debug/pprof');
  p = at >= 0 ? p.slice(0, at) : p.replace(/\/+$/, '');
  const root = `${u.origin}${p}`;
  const base = `${root}/debug/pprof/`;
  return {
    base,
    heap: (gc) => `${base}heap${gc ? '?gc=1' : ''}`,
    goroutine: `${base}goroutine`,
    goroutineLeak: `${base}goroutineleak?debug=2`,
    heapText: `${base}heap?debug=1`,
    vars: `${root}/debug/vars`,
  };
}
