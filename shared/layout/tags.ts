/**
 * The order in which the backend numbers an interface's substructs (`<Iface>_Type_<Struct>`).
 *
 * vale.cpp declares edges looping over `program.packages`, then each package's `structs`, then
 * each struct's edges; the Linear region appends each immutable struct to its interface's list
 * in that order. `package->structs` is a `std::unordered_map<std::string, StructDefinition*>`
 * that readjson.cpp builds as `map(0)`, `reserve(n)`, then one `emplace` per struct in the
 * order the .vast lists them. Its iteration order is libstdc++'s: the hash of each name
 * (`std::_Hash_bytes`, seed 0xc70f6907), the bucket count `reserve` picks, and the singly
 * linked node list where a node goes first in its bucket, and a node that opens a bucket goes
 * first in the whole list. test/tags.test.ts checks all of it against g++.
 */

import { type KindDecl, packageDisplayName } from '../model/declarations';
import type { ProgramIndex } from '../model/program';
import type { TypeRef } from '../model/types';
import type { CKind } from './cprogram';

const MASK = 0xffff_ffff_ffff_ffffn;
const MUL = 0xc6a4_a793_5bd1_e995n;
const SEED = 0xc70f_6907n;

function shiftMix(v: bigint): bigint {
  return v ^ (v >> 47n);
}

/** `std::hash<std::string>` of libstdc++ on a 64-bit little-endian target: `_Hash_bytes(s, len, 0xc70f6907)`. */
export function stdStringHash(text: string): bigint {
  const bytes = new TextEncoder().encode(text);
  const len = bytes.length;
  const aligned = len & ~7;
  let hash = (SEED ^ ((BigInt(len) * MUL) & MASK)) & MASK;
  const word = (from: number, count: number): bigint => {
    let v = 0n;
    for (let i = count - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[from + i]);
    return v;
  };
  for (let p = 0; p < aligned; p += 8) {
    const data = (shiftMix((word(p, 8) * MUL) & MASK) * MUL) & MASK;
    hash = ((hash ^ data) * MUL) & MASK;
  }
  if ((len & 7) !== 0) hash = ((hash ^ word(aligned, len & 7)) * MUL) & MASK;
  hash = (shiftMix(hash) * MUL) & MASK;
  return shiftMix(hash);
}

/**
 * The bucket counts libstdc++'s prime rehash policy chooses from (`_M_next_bkt`), as g++ 12
 * answers for every request up to 99,733 (test/tags.test.ts asks g++ for each of them).
 */
const BUCKET_COUNTS = [
  2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 103, 109, 113, 127, 137, 139, 149, 157,
  167, 179, 193, 199, 211, 227, 241, 257, 277, 293, 313, 337, 359, 383, 409, 439, 467, 503, 541, 577, 619, 661, 709, 761, 823, 887, 953,
  1031, 1109, 1193, 1289, 1381, 1493, 1613, 1741, 1879, 2029, 2179, 2357, 2549, 2753, 2971, 3209, 3469, 3739, 4027, 4349, 4703, 5087, 5503,
  5953, 6427, 6949, 7517, 8123, 8783, 9497, 10273, 11113, 12011, 12983, 14033, 15173, 16411, 17749, 19183, 20753, 22447, 24281, 26267,
  28411, 30727, 33223, 35933, 38873, 42043, 45481, 49201, 53201, 57557, 62233, 67307, 72817, 78779, 85229, 92203, 99733,
];

/** The bucket count of `std::unordered_map<std::string, T> m(0); m.reserve(n);` (undefined past the table). */
export function reservedBucketCount(n: number): number | undefined {
  const wanted = Math.max(1, n);
  let lo = 0;
  let hi = BUCKET_COUNTS.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (BUCKET_COUNTS[mid] < wanted) lo = mid + 1;
    else hi = mid;
  }
  return BUCKET_COUNTS[lo];
}

/**
 * The iteration order of a map built as readjson.cpp builds it, given its distinct keys in
 * insertion order: the indices of `keys` in the order a range-for visits them (undefined when
 * the map is larger than the bucket table).
 */
export function unorderedMapOrder(keys: readonly string[]): number[] | undefined {
  const buckets = reservedBucketCount(keys.length);
  if (buckets === undefined) return undefined;
  // A node list with a head sentinel (-1); `before[b]` is the node before bucket b's first node.
  const next = new Int32Array(keys.length).fill(-1);
  const bucketOf = new Int32Array(keys.length);
  const before = new Int32Array(buckets).fill(-2);
  let first = -1;
  const B = BigInt(buckets);
  keys.forEach((key, i) => {
    const b = Number(stdStringHash(key) % B);
    bucketOf[i] = b;
    const prev = before[b];
    if (prev !== -2) {
      // Into a bucket that has nodes: first in that bucket.
      if (prev === -1) {
        next[i] = first;
        first = i;
      } else {
        next[i] = next[prev];
        next[prev] = i;
      }
      return;
    }
    // Opens a bucket: first in the list; the bucket that was first now starts after this node.
    next[i] = first;
    if (first !== -1) before[bucketOf[first]] = i;
    first = i;
    before[b] = -1;
  });
  const order: number[] = [];
  for (let n = first; n !== -1; n = next[n]) order.push(n);
  return order;
}

/** Where each struct of a package sits in its map, and what the model cannot see there. */
export interface StructRanks {
  /** Struct name → position in the package's iteration order. */
  readonly rank: ReadonlyMap<string, number>;
  readonly caveats: readonly string[];
}

/** The structs the kind exports reach, in the order the frontend lists them (computed once per program). */
export interface ExportOrder {
  readonly order: readonly { readonly package: string; readonly name: string }[];
  readonly seen: ReadonlySet<string>;
}

/** A depth-first walk that lists a struct after the structs its members name (StructHammer.translateStructI). */
function structWalk(index: ProgramIndex, seenBefore: ReadonlySet<string>, add: (decl: KindDecl) => void) {
  const seen = new Set<string>();
  const visitType = (file: string, t: TypeRef): void => {
    if (t.tag === 'array') visitType(file, t.element);
    else if (t.tag === 'tuple') for (const e of t.elements) visitType(file, e);
    else if (t.tag === 'named') {
      for (const a of t.args) visitType(file, a);
      const r = index.resolve(file, t);
      if (r.tag === 'declared') visit(r.decl);
    }
  };
  const visit = (decl: KindDecl): void => {
    const key = `${decl.package}::${decl.name}`;
    if (decl.tag !== 'struct' || decl.generics.length > 0 || seen.has(key) || seenBefore.has(key)) return;
    seen.add(key);
    for (const m of decl.members) visitType(decl.file, m.type);
    add(decl);
  };
  return { visit, visitType, seen };
}

/** Hammer.translate's first step: the kind exports, each struct after the structs its members name. */
export function exportOrder(index: ProgramIndex, exported: readonly CKind[]): ExportOrder {
  const order: { package: string; name: string }[] = [];
  const walk = structWalk(index, new Set(), (d) => order.push({ package: d.package, name: d.name }));
  for (const k of exported) {
    if (k.decl) walk.visit(k.decl);
    else if (k.element) walk.visitType(k.file, k.element);
  }
  return { order, seen: walk.seen };
}

/**
 * The order in which the frontend lists a package's structs (the kind exports first, then every
 * struct of the package in declaration order, each after the structs its members name), keyed as
 * the frontend names them (a non-generic top-level struct by its own name), then the package's
 * iteration order. Reads the package's own files only.
 */
export function structRanks(index: ProgramIndex, exports: ExportOrder, pkg: string): StructRanks {
  const names = exports.order.filter((d) => d.package === pkg).map((d) => d.name);
  const walk = structWalk(index, exports.seen, (d) => {
    if (d.package === pkg) names.push(d.name);
  });
  const models = [...index.files.values()].filter((m) => m.package === pkg).sort((a, b) => (a.path < b.path ? -1 : 1));
  let generic = 0;
  let lambdas = 0;
  for (const m of models) {
    for (const item of m.items) {
      const k = item.unplacedKind;
      if (k) {
        if (k.tag === 'struct' && k.generics.length > 0) generic++;
        walk.visit(k);
      }
      if (item.unplacedFunction !== undefined) lambdas += item.lambdas;
    }
  }
  const shown = packageDisplayName(pkg);
  const caveats: string[] = [];
  if (generic > 0)
    caveats.push(
      `package ${shown} declares ${generic} generic struct${generic === 1 ? '' : 's'}, and each instance the program uses is one more struct in the map`,
    );
  if (lambdas > 0)
    caveats.push(`package ${shown} has ${lambdas} lambda${lambdas === 1 ? '' : 's'}, and each closure is one more struct in the map`);
  const rank = new Map<string, number>();
  const order = unorderedMapOrder(names);
  if (order) order.forEach((keyIndex, position) => rank.set(names[keyIndex], position));
  else {
    caveats.push(`package ${shown} has more structs than the model's bucket table covers`);
    names.forEach((n, i) => rank.set(n, i));
  }
  return { rank, caveats };
}
