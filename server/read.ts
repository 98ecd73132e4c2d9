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
    const buffer = Buffer.alloc(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    return buffer.subarray(0, read);
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text (UTF-8), capped as a source. */
export function readSourceFile(path: string, listed = false): string {
  return readRegularFile(path, READ_LIMITS.source, listed).toString('utf8');
}
