// Outlines of Go files for the editor's assertions (functions and comments from Go's
// parser, check/outline.ts), cached by text. Diagnostics decorators and code lenses are
// synchronous, so a file whose outline is not known for its current text is asked for
// and `onReady` names the file that wanted it once the answer (or an error) is in.
// The helper runs as its own process: outlining is parsing only, and must not wait
// behind a quick fix's cold `go list -export` in the shared helper. It is started only
// for packages that have a directive.
import { defaultCacheDir, GoHelper } from '../fixes/goHelper';
import { helperOutlines, type Outline, type SourceFile } from '../check/outline';

export type OutlineState = Outline | 'pending' | 'failed';

export interface OutlineCacheOptions {
  goBinFor(file: string): Promise<string>;
  /** The outlines `file` asked for arrived, or could not be read (then they are 'failed'). */
  onReady(file: string): void;
  log(line: string): void;
  /** Told once per distinct failure: the user's assertions are not checked. */
  warn(message: string): void;
  /** The helper for a `go` binary; default: one built from the bundled gohelper/ sources. */
  newHelper?(goBin: string): GoHelper;
}

/** Files kept; each holds one text (the one last outlined). */
const MAX_FILES = 2_000;

export class OutlineCache {
  private readonly known = new Map<string, { text: string; outline: Outline }>();
  /** The text of a file whose outline failed: not asked for again until it changes. */
  private readonly failed = new Map<string, string>();
  /** Per file, the text being read and the read that settles it. */
  private readonly inFlight = new Map<string, { text: string; done: Promise<void> }>();
  /** Files told once their outlines settle (one notice each, however often they ask). */
  private readonly waiting = new Set<string>();
  private readonly warned = new Set<string>();
  private helper?: GoHelper;
  private helperGoBin?: string;

  constructor(private readonly opts: OutlineCacheOptions) {}

  state(path: string, text: string): OutlineState {
    const k = this.known.get(path);
    if (k?.text === text) return k.outline;
    return this.failed.get(path) === text ? 'failed' : 'pending';
  }

  /**
   * Starts reading the outlines of `files` that are neither known nor on their way, and
   * tells `requester` when all of them (its own reads and others') have settled.
   */
  request(requester: string, files: SourceFile[]): void {
    const pending = files.filter((f) => this.state(f.path, f.text) === 'pending');
    if (!pending.length || this.waiting.has(requester)) return;
    const fresh = pending.filter((f) => this.inFlight.get(f.path)?.text !== f.text);
    if (fresh.length) {
      const done = this.read(fresh).finally(() => {
        for (const f of fresh) if (this.inFlight.get(f.path)?.done === done) this.inFlight.delete(f.path);
      });
      for (const f of fresh) this.inFlight.set(f.path, { text: f.text, done });
    }
    const reads = pending.map((f) => this.inFlight.get(f.path)!.done);
    this.waiting.add(requester);
    void Promise.all(reads).then(() => {
      this.waiting.delete(requester);
      this.opts.onReady(requester);
    });
  }

  private async read(files: SourceFile[]): Promise<void> {
    try {
      const goBin = await this.opts.goBinFor(files[0].path);
      if (!this.helper || this.helperGoBin !== goBin) {
        this.helper?.dispose();
        this.helper = this.opts.newHelper?.(goBin) ?? new GoHelper({ goBin, cacheDir: defaultCacheDir(), log: this.opts.log });
        this.helperGoBin = goBin;
      }
      const outlines = await helperOutlines(this.helper)(files);
      files.forEach((f, i) => {
        this.failed.delete(f.path);
        this.known.delete(f.path);
        this.known.set(f.path, { text: f.text, outline: outlines[i] });
      });
      while (this.known.size > MAX_FILES) this.known.delete(this.known.keys().next().value as string);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      for (const f of files) this.failed.set(f.path, f.text);
      this.opts.log(`assertions (//heaplens:, //gcassert:) not checked: Go's parser could not be run: ${why}`);
      if (!this.warned.has(why)) {
        this.warned.add(why);
        this.opts.warn(`HeapLens: assertions in comments are not checked: ${why}`);
      }
    }
  }

  /** Settings changed (perhaps the `go` that failed): failed files are asked for again. */
  retryFailed(): void {
    this.failed.clear();
  }

  dispose(): void {
    this.helper?.dispose();
    this.helper = undefined;
  }
}
