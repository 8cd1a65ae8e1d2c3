// `heaplens watch URL`: snapshots of a running Go service's heap and goroutines
// every interval, then the growth table: what grew steadily (leak suspects), what
// rose and fell back (load), goroutines piling up at one line.
import { growthReport } from '../watch/growth';
import { renderReport, reportJSON } from '../watch/report';
import { runWatch, type Notice } from '../watch/watcher';
import { suspects } from '../watch/growth';
import { CliError, type Command, parseArgs, stringFlag } from './command';

const USAGE = 'usage: heaplens watch URL [--every 30s] [--for 10m | --snapshots N] [--gc] [--json]';

export const watchCommand: Command = {
  summary: 'watch a running Go service\'s heap and goroutines; print what keeps growing',
  help: `${USAGE}
       [--keep K] [--dir DIR] [--limit N] [--min-growth SIZE] [--fail-on-leak]

URL is the service's net/http/pprof index, e.g. http://127.0.0.1:6060/debug/pprof/
(a host URL or any URL under /debug/pprof works too).

Every interval it fetches heap (in-use memory), goroutine and the runtime metrics
(expvar's /debug/vars, else the MemStats trailer of heap?debug=1). At the end (or on
Ctrl-C) it prints, per allocation site (the innermost line of your code), how in-use
memory grew from the first kept snapshot to the last and how steadily: growth at
(nearly) every snapshot that never falls back is a leak suspect; a rise that falls
back is load. Goroutines are grouped by the line they wait at.

  --every D         interval (200ms, 30s, 5m; default 30s)
  --for D           stop after this long (default 10m unless --snapshots is given)
  --snapshots N     stop after N snapshots
  --gc              ask for heap?gc=1: a GC before each snapshot, exact in-use numbers
  --keep K          snapshots kept (default 60); growth is measured over the kept ones
  --dir DIR         keep the kept snapshots' profiles in DIR (NNNNNN.heap.pb.gz, …)
  --timeout D       per request (default: the interval, at least 10s)
  --limit N         rows per table (default 10)
  --min-growth SIZE smallest growth that can be a suspect (default 256KiB)
  --fail-on-leak    exit 1 when there is a leak suspect (for soak tests in CI)
  --json            one JSON object: suspects, lines, functions, goroutineGroups, timeline

A service that stops answering or answers slowly is reported once on standard error
and waited for; one that is not a Go program serving net/http/pprof stops the watch.
Exit codes: 0 ok, 1 leak suspects with --fail-on-leak, 2 usage error or no snapshot.`,
  async run(args) {
    const p = parseArgs(args, ['every', 'for', 'snapshots', 'keep', 'dir', 'limit', 'min-growth', 'timeout'], ['gc', 'json', 'fail-on-leak']);
    const [url, ...extra] = p.positional;
    if (!url || extra.length) throw new CliError(USAGE);
    const everyMs = parseDuration(stringFlag(p, 'every') ?? '30s', 'every');
    const snapshots = optInt(p, 'snapshots', 1);
    const forMs = stringFlag(p, 'for') !== undefined ? parseDuration(stringFlag(p, 'for')!, 'for') : snapshots ? undefined : 10 * 60_000;
    const keep = optInt(p, 'keep', 2) ?? 60;
    const limit = optInt(p, 'limit', 0) ?? 10;
    const minGrowthBytes = stringFlag(p, 'min-growth') !== undefined ? parseSize(stringFlag(p, 'min-growth')!) : undefined;
    const timeoutMs = stringFlag(p, 'timeout') !== undefined ? parseDuration(stringFlag(p, 'timeout')!, 'timeout') : undefined;
    const json = p.flags.has('json');
    const notices: Notice[] = [];
    const ac = new AbortController();
    // Ctrl-C ends the watch early and still prints the table.
    const onSigint = () => ac.abort();
    process.once('SIGINT', onSigint);
    let result;
    try {
      result = await runWatch({
        url, everyMs, forMs, snapshots, timeoutMs, gc: p.flags.has('gc'), keep, dir: stringFlag(p, 'dir'), signal: ac.signal,
        onNotice: (n) => { notices.push(n); process.stderr.write(`heaplens: ${n.message}\n`); },
        onSnapshot: (s) => { if (!json && process.stderr.isTTY) process.stderr.write(`\rsnapshot #${s.seq}: ${s.heap.inuseBytes} bytes in use, ${s.goroutines?.total ?? '?'} goroutines `); },
      });
    } finally {
      process.off('SIGINT', onSigint);
    }
    if (!json && process.stderr.isTTY) process.stderr.write('\n');
    const snaps = result.ring.all();
    if (!snaps.length) {
      if (result.stopped === 'not-go') return 2;
      throw new CliError(`no snapshot of ${result.endpoints.base} could be taken`);
    }
    const report = growthReport([...snaps], { minGrowthBytes });
    if (json) process.stdout.write(JSON.stringify(reportJSON(report, result.endpoints.base, snaps, notices, limit)) + '\n');
    else process.stdout.write(renderReport(report, result.endpoints.base, snaps[snaps.length - 1], snaps[0], limit));
    const s = suspects(report);
    return p.flags.has('fail-on-leak') && (s.lines.length || s.goroutines.length) ? 1 : 0;
  },
};

/** "200ms", "30s", "10m", "1h", "1m30s"; a bare number is seconds. */
export function parseDuration(s: string, flag: string): number {
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0, m: RegExpExecArray | null, end = 0;
  while ((m = re.exec(s))) { total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']; end = re.lastIndex; }
  if (!s || end !== s.length || total <= 0) throw new CliError(`--${flag} needs a duration like 200ms, 30s or 10m, not '${s}'`);
  return total;
}

/** "256KiB", "1MiB", "1MB", "4096". */
export function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(B|KB|KiB|MB|MiB|GB|GiB)?$/i.exec(s);
  if (!m) throw new CliError(`--min-growth needs a size like 256KiB or 4MiB, not '${s}'`);
  const mult: Record<string, number> = { b: 1, kb: 1e3, kib: 1024, mb: 1e6, mib: 1024 ** 2, gb: 1e9, gib: 1024 ** 3 };
  return Number(m[1]) * mult[(m[2] ?? 'b').toLowerCase()];
}

function optInt(p: ReturnType<typeof parseArgs>, name: string, min: number): number | undefined {
  const s = stringFlag(p, name);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} needs an integer ≥ ${min}, not '${s}'`);
  return n;
}
