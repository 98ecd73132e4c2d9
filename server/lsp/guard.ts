// Every handler of the server goes through here: its parameters are checked before it runs (a
// request with malformed parameters gets InvalidParams, a malformed notification is logged and
// ignored), and an exception is logged once with its stack and answered as InternalError, so no
// input can stop the server or leave a handler half done without saying so.
import { type Connection, ErrorCodes, ResponseError } from 'vscode-languageserver/node';

/** A parameter check: what is wrong, or undefined when the parameters have the shape the handler reads. */
export type Shape = (params: unknown) => string | undefined;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_UINT = 2 ** 31 - 1;
const isUint = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_UINT;

function field(params: unknown, path: string): unknown {
  let v: unknown = params;
  for (const key of path.split('.')) v = isObject(v) ? v[key] : undefined;
  return v;
}

export const shape = {
  any: (): undefined => undefined,
  /** Each named field holds what its check accepts (`?` after a name: optional). */
  of:
    (fields: Record<string, (v: unknown) => boolean>): Shape =>
    (params) => {
      for (const [name, ok] of Object.entries(fields)) {
        const optional = name.endsWith('?');
        const path = optional ? name.slice(0, -1) : name;
        const v = field(params, path);
        if (v === undefined && optional) continue;
        if (!ok(v)) return `${path} is ${v === undefined ? 'missing' : `not valid (${JSON.stringify(v)?.slice(0, 60)})`}`;
      }
      return undefined;
    },
};

export const valid = {
  string: (v: unknown): boolean => typeof v === 'string',
  number: (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v),
  boolean: (v: unknown): boolean => typeof v === 'boolean',
  object: isObject,
  position: (v: unknown): boolean => isObject(v) && isUint(v.line) && isUint(v.character),
  range: (v: unknown): boolean => isObject(v) && valid.position(v.start) && valid.position(v.end),
  array:
    (each: (v: unknown) => boolean) =>
    (v: unknown): boolean =>
      Array.isArray(v) && v.every(each),
  optional:
    (check: (v: unknown) => boolean) =>
    (v: unknown): boolean =>
      v === undefined || v === null || check(v),
};

export class Guard {
  constructor(private readonly connection: Connection) {}

  /** While set, the requests not in `local` wait for it (`holdRequests`). */
  private held: Promise<void> | undefined;
  /** Requests answered from their own document (its tree, its model): never held. */
  private local: ReadonlySet<string> = new Set();

  /**
   * Until `until` settles, every request but those in `local` waits for it: at start-up, while the
   * workspace's files are read, an answer that reads other files (the index, the C side) would be
   * made from the files read so far. A request that reads only its document is answered at once.
   */
  holdRequests(until: Promise<void>, local: readonly string[]): void {
    this.local = new Set(local);
    const held = until.then(
      () => undefined,
      () => undefined,
    );
    this.held = held;
    void held.then(() => {
      if (this.held === held) this.held = undefined;
    });
  }

  private failed(method: string, e: unknown): void {
    this.connection.console.error(`vale-ffi: ${method} failed: ${(e as Error)?.stack ?? String(e)}`);
  }

  /** A request handler behind a parameter check and an exception barrier. */
  request<P, R, A extends unknown[]>(
    method: string,
    check: Shape,
    handler: (params: P, ...rest: A) => R | ResponseError<void> | Promise<R | ResponseError<void>>,
  ): (params: P, ...rest: A) => R | ResponseError<void> | Promise<R | ResponseError<void>> {
    return (params, ...rest) => {
      const problem = check(params);
      if (problem) return new ResponseError(ErrorCodes.InvalidParams, `${method}: ${problem}`);
      const internal = (e: unknown): ResponseError<void> => {
        this.failed(method, e);
        return new ResponseError(ErrorCodes.InternalError, `${method}: ${(e as Error)?.message ?? String(e)} (logged)`);
      };
      const run = (): R | ResponseError<void> | Promise<R | ResponseError<void>> => {
        try {
          const result = handler(params, ...rest);
          return result instanceof Promise ? result.catch(internal) : result;
        } catch (e) {
          return internal(e);
        }
      };
      return this.held && !this.local.has(method) ? this.held.then(run) : run();
    };
  }

  /** A notification handler behind a parameter check (malformed: logged, ignored) and an exception barrier. */
  notification<P>(method: string, check: Shape, handler: (params: P) => void | Promise<void>): (params: P) => void {
    return (params) => {
      const problem = check(params);
      if (problem) {
        this.connection.console.warn(`vale-ffi: ignored ${method}: ${problem}`);
        return;
      }
      try {
        const result = handler(params);
        if (result instanceof Promise) result.catch((e: unknown) => this.failed(method, e));
      } catch (e) {
        this.failed(method, e);
      }
    };
  }
}
