/**
 * The facts a check can read from the index, as typed keys. A key is made only
 * by `FACT` (one constructor per kind of fact) and read back only by
 * `factParts`; as a string it is cheap to hash and to keep in maps.
 */
export type FactKey = string & { readonly __factKey: never };

/** What a fact key says: the kind of fact and its arguments. */
export type FactParts =
  /** What a name means in a file (its place and declaration summary). */
  | { readonly tag: 'kind'; readonly file: string; readonly name: string }
  /** A kind's export sites in a package / whether it has one / its first (the one not duplicated). */
  | { readonly tag: 'exports' | 'exported' | 'first-export'; readonly pkg: string; readonly id: string }
  /** Whether a name is taken in a package (by a kind or an export). */
  | { readonly tag: 'name-taken'; readonly pkg: string; readonly name: string }
  /** The kind a file can see whose name is closest to a name it does not know ("did you mean"). */
  | { readonly tag: 'suggestion'; readonly file: string; readonly name: string }
  /** A package's export sites. */
  | { readonly tag: 'package-exports'; readonly pkg: string }
  /** An interface's impls / how a kind crosses the boundary. */
  | { readonly tag: 'impls' | 'reach'; readonly id: string };

export type FactTag = FactParts['tag'];

const SEP = '\u0000';
const key = (...parts: string[]): FactKey => parts.join(SEP) as FactKey;

export const FACT = {
  kind: (file: string, name: string): FactKey => key('kind', file, name),
  exports: (pkg: string, id: string): FactKey => key('exports', pkg, id),
  exported: (pkg: string, id: string): FactKey => key('exported', pkg, id),
  firstExport: (pkg: string, id: string): FactKey => key('first-export', pkg, id),
  nameTaken: (pkg: string, name: string): FactKey => key('name-taken', pkg, name),
  suggestion: (file: string, name: string): FactKey => key('suggestion', file, name),
  packageExports: (pkg: string): FactKey => key('package-exports', pkg),
  impls: (id: string): FactKey => key('impls', id),
  reach: (id: string): FactKey => key('reach', id),
};

export function factParts(k: FactKey): FactParts {
  const [tag, a, b] = k.split(SEP);
  switch (tag) {
    case 'kind':
    case 'suggestion':
      return { tag, file: a, name: b };
    case 'exports':
    case 'exported':
    case 'first-export':
      return { tag, pkg: a, id: b };
    case 'name-taken':
      return { tag, pkg: a, name: b };
    case 'package-exports':
      return { tag, pkg: a };
    default:
      return { tag: tag as 'impls' | 'reach', id: a };
  }
}
