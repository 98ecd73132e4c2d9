/** The seven members of a universal reference (URSL). */
export const FIELD_NAMES = [
  'objectGeneration',
  'regionGeneration',
  'objectPointer',
  'typePointer',
  'regionPointer',
  'offsetToGeneration',
  'scopeTetherMask',
] as const;

export type FieldName = (typeof FIELD_NAMES)[number];

/** The members that hold pointers. */
export const POINTER_FIELDS: ReadonlySet<FieldName> = new Set<FieldName>(['objectPointer', 'typePointer', 'regionPointer']);

/** How a decoded field is shown everywhere (hovers, debugger helpers): pointers in hex, the other members in decimal. */
export function fieldFormat(field: FieldName): 'hex' | 'decimal' {
  return POINTER_FIELDS.has(field) ? 'hex' : 'decimal';
}

/** A decoded value as `fieldFormat` says. */
export function showField(field: FieldName, value: bigint): string {
  return fieldFormat(field) === 'decimal' ? value.toString() : `0x${value.toString(16)}`;
}

/** What each member is for: which object or region it names, and which check reads it. */
export const FIELD_MEANING: Readonly<Record<FieldName, string>> = {
  objectGeneration:
    "the object's generation when the reference was made; the generation check compares it with the generation stored in the object",
  regionGeneration: "the generation of the object's region when the reference was made; the region check compares it with the region's",
  objectPointer: "the object's address (56 bits kept, sign-extended back)",
  typePointer:
    'the itable (an interface) or type info (a struct) the object was sent as; the type check compares it when the reference comes back (52 bits kept: 16-byte aligned, ITN16BA)',
  regionPointer: 'the region that owns the object (52 bits kept: 16-byte aligned, RMB16BA)',
  offsetToGeneration: "bytes from the object's address to its generation, where the generation check reads it",
  scopeTetherMask: "the bits of the object's scope tether this reference sets while it is held in scope",
};

/**
 * How a member is stored: `plain` as is; `pointer56` a 64-bit pointer truncated
 * to 56 bits (sign-extended back); `pointer52` the 56-bit form shifted right by 4,
 * so the pointer must be 16-byte aligned (RMB16BA for regions, ITN16BA for itables).
 */
export type Compression = 'plain' | 'pointer56' | 'pointer52';

export interface MemberSpec {
  readonly field: FieldName;
  readonly bits: number;
  readonly compression: Compression;
}

/** A packing of the 256 bits: members in order, the first in the most significant bits. */
export interface UrslProfile {
  readonly name: string;
  readonly description: string;
  readonly members: readonly MemberSpec[];
}

/** What the Vale backend does (Backend/src/region/urefstructlt.cpp, utils/structlt.cpp). */
export const BACKEND_PROFILE: UrslProfile = {
  name: 'backend',
  description: "the Vale backend's packing (urefstructlt.cpp): first member in the most significant bits",
  members: [
    { field: 'objectGeneration', bits: 32, compression: 'plain' },
    { field: 'regionGeneration', bits: 32, compression: 'plain' },
    { field: 'objectPointer', bits: 56, compression: 'pointer56' },
    { field: 'typePointer', bits: 52, compression: 'pointer52' },
    { field: 'regionPointer', bits: 52, compression: 'pointer52' },
    { field: 'offsetToGeneration', bits: 16, compression: 'plain' },
    { field: 'scopeTetherMask', bits: 16, compression: 'plain' },
  ],
};

/** The members in the order the design document (docs/FearlessFFI.md, URSL) lists them. */
export const SEED_PROFILE: UrslProfile = {
  name: 'seed',
  description: 'the listing order of docs/FearlessFFI.md (URSL), packed the same way',
  members: [
    { field: 'objectPointer', bits: 56, compression: 'pointer56' },
    { field: 'regionPointer', bits: 52, compression: 'pointer52' },
    { field: 'objectGeneration', bits: 32, compression: 'plain' },
    { field: 'regionGeneration', bits: 32, compression: 'plain' },
    { field: 'typePointer', bits: 52, compression: 'pointer52' },
    { field: 'offsetToGeneration', bits: 16, compression: 'plain' },
    { field: 'scopeTetherMask', bits: 16, compression: 'plain' },
  ],
};

export const PROFILES: readonly UrslProfile[] = [BACKEND_PROFILE, SEED_PROFILE];

export function findProfile(name: string): UrslProfile | undefined {
  return PROFILES.find((p) => p.name === name);
}

/**
 * The constants the backend writes today where the real values are not wired
 * yet (urefstructlt.cpp). A value equal to one of these is almost certainly it.
 */
export const PLACEHOLDERS: Readonly<Record<FieldName, { value: bigint; constant: string } | undefined>> = {
  regionPointer: { value: 0x1300n, constant: 'universalRefRegionPtrConstant' },
  regionGeneration: { value: 0x1310n, constant: 'universalRefRegionGenConstant' },
  objectGeneration: { value: 0x1320n, constant: 'universalRefObjectGenConstant (regions without generations)' },
  typePointer: { value: 0x1330n, constant: 'universalRefTypeInfoPtrConstant' },
  offsetToGeneration: { value: 0x1340n, constant: 'universalRefObjectPtrOffsetToGenOffsetConstant' },
  scopeTetherMask: { value: 0x1350n, constant: 'universalRefScopeTetherMaskBitsConstant' },
  objectPointer: undefined,
};
