/** The C scalars the generated headers use. */
export type CScalar = 'int8_t' | 'int16_t' | 'int32_t' | 'int64_t' | 'uint32_t' | 'uint64_t' | 'double' | 'pointer';

export interface SizeAlign {
  readonly size: number;
  readonly align: number;
}

/** A C ABI: size and alignment of every scalar the headers use. Adding a target is adding an entry. */
export interface TargetProfile {
  readonly name: string;
  readonly description: string;
  /** The C compiler that checks this target in the tests. */
  readonly compiler: string;
  readonly scalars: Readonly<Record<CScalar, SizeAlign>>;
}

const LP64: Record<CScalar, SizeAlign> = {
  int8_t: { size: 1, align: 1 },
  int16_t: { size: 2, align: 2 },
  int32_t: { size: 4, align: 4 },
  int64_t: { size: 8, align: 8 },
  uint32_t: { size: 4, align: 4 },
  uint64_t: { size: 8, align: 8 },
  double: { size: 8, align: 8 },
  pointer: { size: 8, align: 8 },
};

export const TARGETS: readonly TargetProfile[] = [
  { name: 'x86_64-linux', description: 'x86-64 System V (LP64)', compiler: 'gcc', scalars: LP64 },
  { name: 'aarch64-linux', description: 'AArch64 AAPCS64 (LP64)', compiler: 'aarch64-linux-gnu-gcc', scalars: LP64 },
];

export const DEFAULT_TARGET = TARGETS[0];

export function findTarget(name: string): TargetProfile | undefined {
  return TARGETS.find((t) => t.name === name);
}
