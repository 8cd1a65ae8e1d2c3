// Helper processes ask glibc for huge pages (server/src/limits/isolate.ts); the
// benchmarks time them as shipped and, alternating, without, to show what it buys.

/** Runs `fn` with the helper processes it starts on glibc's ordinary 4 KB pages. */
export async function withoutHugePages<T>(fn: () => Promise<T>): Promise<T> {
  const saved = process.env.GLIBC_TUNABLES;
  process.env.GLIBC_TUNABLES = 'glibc.malloc.hugetlb=0';
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.GLIBC_TUNABLES;
    else process.env.GLIBC_TUNABLES = saved;
  }
}
