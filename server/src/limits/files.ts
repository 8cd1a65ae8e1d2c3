// Reading a file HeapLens did not choose (a profile, a source file a profile names):
// only regular files, never more than a limit. The file is opened non-blocking and
// checked through its descriptor, so a FIFO cannot block us and a swap between the
// check and the read cannot slip a device in.
import * as fs from 'node:fs';

export type ReadRefusal = 'missing' | 'not-regular' | 'too-large' | 'unreadable';

export class FileReadError extends Error {
  constructor(readonly reason: ReadRefusal, message: string) {
    super(message);
  }
}

function describeKind(st: fs.Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a named pipe';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;

/**
 * The bytes of `file` when it is a regular file of at most `maxBytes`; otherwise a
 * FileReadError whose message names the file and the reason. Files that report no
 * size (/proc) are read up to the limit and refused past it.
 */
export function readRegularFileSync(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new FileReadError('missing', `${file}: no such file`);
    if (code === 'EISDIR') throw new FileReadError('not-regular', `${file}: is a directory, not a file`);
    throw new FileReadError('unreadable', `${file}: cannot read (${code ?? String(e)})`);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw new FileReadError('not-regular', `${file}: is ${describeKind(st)}, not a regular file`);
    if (st.size > maxBytes) throw new FileReadError('too-large', `${file}: is ${mb(st.size)}, larger than the ${mb(maxBytes)} limit`);
    // Sized from fstat (one read, no copies); a file that grows or reports size 0
    // (/proc) continues in chunks up to the limit.
    const chunks: Buffer[] = [];
    let total = 0;
    const first = Buffer.allocUnsafe(st.size);
    while (total < st.size) {
      const n = fs.readSync(fd, first, total, st.size - total, null);
      if (n === 0) break;
      total += n;
    }
    chunks.push(first.subarray(0, total));
    const more = Buffer.allocUnsafe(65536);
    for (;;) {
      const n = fs.readSync(fd, more, 0, more.length, null);
      if (n === 0) break;
      total += n;
      if (total > maxBytes) throw new FileReadError('too-large', `${file}: is larger than the ${mb(maxBytes)} limit`);
      chunks.push(Buffer.from(more.subarray(0, n)));
    }
    return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, total);
  } catch (e) {
    if (e instanceof FileReadError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new FileReadError('unreadable', `${file}: cannot read (${code ?? String(e)})`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Text of a small regular file, or undefined for anything else (hover text, line maps). */
export function readSmallTextFile(file: string, maxBytes: number): string | undefined {
  try {
    return readRegularFileSync(file, maxBytes).toString('utf8');
  } catch {
    return undefined;
  }
}
