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
