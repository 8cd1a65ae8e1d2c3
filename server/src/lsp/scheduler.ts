// At most one compiler run per package at a time. A save or an edit supersedes
// the run in flight (it is aborted; the runner kills its process tree) and the
// newest request runs once the old process is gone, so a storm of saves never
// stacks up `go` processes. Opening a file only joins what is already going on.

export interface RunRequest {
  /** Compile the test variant too (`go test -c`). */
  tests: boolean;
  /** The file that asked (gets the "unavailable" diagnostic when nothing compiles). */
  trigger?: string;
  /** Set by the scheduler: the number of the newest request (per package) this run answers. */
  generation?: number;
}

export type RunFn<T> = (key: string, req: RunRequest, signal: AbortSignal) => Promise<T>;

interface Waiter<T> { resolve(v: T): void; reject(e: unknown): void }

interface Pending<T> {
  req: RunRequest;
  waiters: Waiter<T>[];
  timer?: NodeJS.Timeout;
  due: boolean;
}

interface Running<T> {
  req: RunRequest;
  controller: AbortController;
  waiters: Waiter<T>[];
}

interface Slot<T> { running?: Running<T>; pending?: Pending<T> }

export interface ScheduleOptions {
  /** Wait this long for more requests before running (typing). */
  delayMs?: number;
  /** Abort the run in flight (save, edit, configuration change). Otherwise join it (open). */
  supersede?: boolean;
}

const merge = (a: RunRequest | undefined, b: RunRequest): RunRequest => ({
  tests: (a?.tests ?? false) || b.tests,
  trigger: b.trigger ?? a?.trigger,
  generation: Math.max(a?.generation ?? 0, b.generation ?? 0),
});

export class PackageScheduler<T> {
  private readonly slots = new Map<string, Slot<T>>();
  private readonly generations = new Map<string, number>();

  private active = 0;
  /** Packages ready to run but waiting for a free place, oldest first. */
  private readonly due: string[] = [];

  /**
   * `maxParallel` bounds runs across packages (reopening a workspace with tabs from
   * twenty packages must not start twenty compilers on a laptop); waiting packages
   * start in the order they became due.
   */
  constructor(private readonly run: RunFn<T>, private readonly maxParallel = 2) {}

  /** Resolves with the result of the first run that started after (or covers) this request. */
  schedule(key: string, request: RunRequest, opts: ScheduleOptions = {}): Promise<T> {
    const generation = (this.generations.get(key) ?? 0) + 1;
    this.generations.set(key, generation);
    const req = { ...request, generation };
    return new Promise<T>((resolve, reject) => {
      const waiter = { resolve, reject };
      let slot = this.slots.get(key);
      if (!slot) {
        slot = {};
        this.slots.set(key, slot);
      }
      const { running } = slot;
      if (!opts.supersede && running && !slot.pending && (running.req.tests || !req.tests)) {
        running.waiters.push(waiter);
        return;
      }
      const pending = slot.pending ?? { req, waiters: [], due: false };
      pending.req = merge(slot.pending?.req, req);
      pending.waiters.push(waiter);
      if (opts.supersede && running && !running.controller.signal.aborted) {
        // The aborted run's askers get the answer of the run replacing it.
        pending.req = merge(running.req, pending.req);
        pending.waiters.push(...running.waiters);
        running.waiters = [];
        running.controller.abort();
      }
      slot.pending = pending;
      if (pending.timer) clearTimeout(pending.timer);
      pending.due = false;
      const delay = opts.delayMs ?? 0;
      if (delay > 0) {
        pending.timer = setTimeout(() => { pending.timer = undefined; pending.due = true; this.tryStart(key); }, delay);
      } else {
        pending.due = true;
        this.tryStart(key);
      }
    });
  }

  /** Whether a run for `key` is in flight (for tests and status). */
  isRunning(key: string): boolean {
    return !!this.slots.get(key)?.running;
  }

  /** Aborts everything (shutdown). */
  dispose(): void {
    this.due.length = 0;
    for (const slot of this.slots.values()) {
      if (slot.pending?.timer) clearTimeout(slot.pending.timer);
      slot.running?.controller.abort();
    }
  }

  private tryStart(key: string): void {
    const slot = this.slots.get(key);
    if (!slot || slot.running || !slot.pending?.due) return;
    if (this.active >= this.maxParallel) {
      if (!this.due.includes(key)) this.due.push(key);
      return;
    }
    const { req, waiters } = slot.pending;
    slot.pending = undefined;
    const running: Running<T> = { req, controller: new AbortController(), waiters };
    slot.running = running;
    this.active++;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    this.run(key, req, running.controller.signal)
      .then((value) => { outcome = { ok: true, value }; }, (error: unknown) => { outcome = { ok: false, error }; })
      .finally(() => {
        this.active--;
        slot.running = undefined;
        for (const w of running.waiters) {
          if (outcome.ok) w.resolve(outcome.value);
          else w.reject(outcome.error);
        }
        if (slot.pending) this.tryStart(key);
        else this.slots.delete(key);
        while (this.active < this.maxParallel && this.due.length) this.tryStart(this.due.shift()!);
      });
  }
}
