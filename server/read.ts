// Every file the shells read goes through here: only regular files, up to a size cap, so a
// FIFO, a device (`/dev/zero`), a directory or a huge file is a clear error at once instead of a
// read that blocks or never ends. The CLI turns the error into exit 2, the server into a message.
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs';

/** Caps, in bytes: Vale sources, and the binaries and recordings read as bytes (the configuration can change them). */
export const DEFAULT_READ_LIMITS = { source: 16 * 2 ** 20, binary: 64 * 2 ** 20 } as const;
export const READ_LIMITS = { ...DEFAULT_READ_LIMITS };

/** The caps a configuration sets (`maxSourceBytes`, `maxBinaryBytes`), the defaults for the rest. */
export function setReadLimits(limits: { maxSourceBytes?: number; maxBinaryBytes?: number }): void {
  READ_LIMITS.source = limits.maxSourceBytes ?? DEFAULT_READ_LIMITS.source;
  READ_LIMITS.binary = limits.maxBinaryBytes ?? DEFAULT_READ_LIMITS.binary;
}

export class ReadError extends Error {}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of a regular file of at most `cap` bytes; otherwise a ReadError saying why. `listed`:
 * a directory listing just said the path is a regular file (a walk's `Dirent`), so it is opened
 * without looking first; it is still checked once open. On the 100k-line bench workspace, the
 * look before opening took a third of reading its 5,900 files.
 */
export function readRegularFile(path: string, cap: number, listed = false): Buffer {
  return readOpened(
    path,
    cap,
    listed,
    (size) => Buffer.alloc(size),
    (bytes, length) => bytes.subarray(0, length),
  );
}

/**
 * Where sources are read before they are decoded (grown when a file is larger): one buffer for
 * every file, not one zeroed and dropped per file. Reading the 5,900 files of the bench's 100k
 * lines on disk alone (open, read, decode, close) took 123–139 ms with a buffer each, 98–110 with
 * this one; the whole `check` moved within the noise (1.43 → 1.42 s at the median of ten pairs).
 */
let scratch = Buffer.allocUnsafe(64 * 1024);

/** A regular file's text (UTF-8), capped as a source. */
export function readSourceFile(path: string, listed = false): string {
  return readOpened(
    path,
    READ_LIMITS.source,
    listed,
    (size) => (scratch.length >= size ? scratch : (scratch = Buffer.allocUnsafe(size))),
    (bytes, length) => bytes.toString('utf8', 0, length),
  );
}

/** The file's bytes read into `into(size)`'s buffer, then given to `take` with how many were read. */
function readOpened<T>(
  path: string,
  cap: number,
  listed: boolean,
  into: (size: number) => Buffer,
  take: (bytes: Buffer, length: number) => T,
): T {
  let fd: number;
  try {
    // Looked at before opening (opening a device may do something), and opened without blocking anyway (a FIFO waits for a writer).
    if (!listed) {
      const st = statSync(path);
      if (!st.isFile()) throw new ReadError(`${kindOf(st)}, not a regular file`);
    }
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if (e instanceof ReadError) throw e;
    throw new ReadError((e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new ReadError(`${kindOf(st)}, not a regular file`);
    if (st.size > cap) throw new ReadError(`${st.size} bytes, over the ${cap}-byte limit`);
    const buffer = into(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return take(buffer, read);
  } finally {
    closeSync(fd);
  }
}
