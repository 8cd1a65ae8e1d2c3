// A warm build replays the compiler's output byte for byte from the build cache. When a
// run prints what the same command printed last time, so is the parse: the bytes are
// compared with the last run's as they arrive from the pipe, and while they match they
// are neither kept, decoded, parsed nor hashed. Re-analysis of an unchanged package then
// costs a memcmp of its output instead of a decode, a parse and a hash of it (which took
// several times as long as the cached `go build` itself on a 25 MB output).
import type { ParseResult } from './types';

export interface ReplayedOutput {
  /** Equal ids mean byte-identical output of the same command. */
  id: string;
  result: ParseResult;
  /** The output as text (decoded on demand: only failures and the CLI read it). */
  text(): string;
}

interface Entry {
  id: string;
  raw: Buffer;
  failed: boolean;
  result: ParseResult;
}

export type Parse = (text: string, failed: boolean) => ParseResult;

export class OutputCache {
  private readonly entries = new Map<string, Entry>();
  private nextId = 1;

  constructor(private readonly maxEntries = 32) {}

  /** A reader for one run of `command` (same command, same cache entry). */
  reader(command: string): OutputReader {
    return new OutputReader(this, command, this.entries.get(command)?.raw);
  }

  /** @internal The reader's result: the cached entry when nothing differs, else a new parse. */
  settle(command: string, sameAs: Buffer | undefined, raw: () => Buffer, failed: boolean, parse: Parse): ReplayedOutput {
    const last = this.entries.get(command);
    this.entries.delete(command);
    // (Another run of the command may have replaced the entry this one was compared with.)
    if (sameAs && last && last.raw === sameAs && last.failed === failed) {
      this.entries.set(command, last);
      return view(last);
    }
    const bytes = raw();
    const text = bytes.toString('utf8');
    const entry: Entry = { id: String(this.nextId++), raw: bytes, failed, result: parse(text, failed) };
    this.entries.set(command, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return view(entry, text);
  }
}

function view(entry: Entry, decoded?: string): ReplayedOutput {
  let text = decoded;
  return { id: entry.id, result: entry.result, text: () => (text ??= entry.raw.toString('utf8')) };
}

/** Takes a run's stderr chunk by chunk; holds bytes only once they differ from the last run's. */
export class OutputReader {
  private offset = 0;
  /** Set once the output differs: everything from the start. */
  private chunks: Buffer[] | undefined;

  constructor(private readonly cache: OutputCache, private readonly command: string, private readonly previous: Buffer | undefined) {}

  push(chunk: Buffer): void {
    if (this.chunks) {
      this.chunks.push(chunk);
      return;
    }
    const prev = this.previous;
    const end = this.offset + chunk.length;
    if (prev && end <= prev.length && chunk.equals(prev.subarray(this.offset, end))) {
      this.offset = end;
      return;
    }
    this.chunks = prev && this.offset ? [prev.subarray(0, this.offset), chunk] : [chunk];
  }

  finish(failed: boolean, parse: Parse): ReplayedOutput {
    const prev = this.previous;
    const same = !this.chunks && prev !== undefined && this.offset === prev.length;
    const raw = () => (this.chunks ? Buffer.concat(this.chunks) : Buffer.from(prev?.subarray(0, this.offset) ?? []));
    return this.cache.settle(this.command, same ? prev : undefined, raw, failed, parse);
  }
}
