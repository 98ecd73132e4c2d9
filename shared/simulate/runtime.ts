import { BACKEND_PROFILE, type UrslProfile } from '../ursl/profile';
import { type DecodedUrsl, type UrslFields, decodeUniversalReference, encodeUniversalReference, hex } from '../ursl/codec';
import { Random } from './random';

/**
 * A model of the memory a universal reference points into: regions with a
 * generation in their header, objects with a generation at a fixed offset,
 * type infos (itables) in a data section. Everything lives in one sparse
 * memory of 32-bit words, so a check reads what a receiver would read.
 */

export interface SimRegion {
  readonly id: number;
  readonly name: string;
  /** 16-byte aligned (RMB16BA); the region's generation is the word at this address. */
  readonly address: bigint;
  readonly size: bigint;
  alive: boolean;
  /** Next free byte (bump allocation); freed slots are reused first. */
  next: bigint;
  readonly freeSlots: Map<number, bigint[]>;
}

export interface SimType {
  readonly name: string;
  /** The address a reference's type pointer carries: the type info / itable. */
  readonly address: bigint;
  /** Object size in bytes, the generation word included. */
  readonly size: number;
}

export interface SimObject {
  readonly id: number;
  readonly region: SimRegion;
  readonly type: SimType;
  readonly address: bigint;
  alive: boolean;
}

export interface RuntimeOptions {
  seed: number;
  profile?: UrslProfile;
  /** Where an object's generation sits, from the object's address. Default 0 (the header's first word). */
  generationOffset?: number;
  /** Alignment of type infos in the data section. 16 is what the backend does (ITN16BA). */
  typeAlignment?: number;
}

export type CheckName = 'decode' | 'region' | 'regionGeneration' | 'object' | 'objectGeneration' | 'type';

export interface CheckStep {
  check: CheckName;
  ok: boolean;
  message: string;
}

export interface CheckResult {
  ok: boolean;
  /** The steps in the order the receiving side runs them; the last one failed when !ok. */
  steps: CheckStep[];
  failed?: CheckName;
  fields: UrslFields;
}

const HEADER = 16n;

function alignUp(v: bigint, align: bigint): bigint {
  return ((v + align - 1n) / align) * align;
}

export class Runtime {
  readonly profile: UrslProfile;
  readonly generationOffset: number;
  readonly typeAlignment: number;
  private readonly random: Random;
  /** Sparse memory: 32-bit words by address. */
  private readonly memory = new Map<bigint, number>();
  private readonly regionsByAddress = new Map<bigint, SimRegion>();
  private readonly typesByAddress = new Map<bigint, SimType>();
  private readonly typesByName = new Map<string, SimType>();
  private nextRegionAddress: bigint;
  private nextTypeAddress: bigint;
  private objectCount = 0;

  constructor(options: RuntimeOptions) {
    this.profile = options.profile ?? BACKEND_PROFILE;
    this.generationOffset = options.generationOffset ?? 0;
    this.typeAlignment = options.typeAlignment ?? 16;
    if (this.generationOffset < 0 || this.generationOffset > 0xffff || this.generationOffset % 4 !== 0) {
      throw new RangeError(`generationOffset ${this.generationOffset} must be a multiple of 4 below 65536`);
    }
    this.random = new Random(options.seed);
    // A heap near the top of user space and a data section after a PIE text
    // segment, as on x86-64 Linux; page offsets vary with the seed.
    this.nextRegionAddress = 0x7f00_0000_0000n + BigInt(this.random.below(0x10000)) * 0x10_0000n;
    this.nextTypeAddress = 0x5555_5555_0000n + BigInt(this.random.below(0x1000)) * 0x1000n + 0x40n + 8n;
  }

  get regions(): SimRegion[] {
    return [...this.regionsByAddress.values()];
  }

  get types(): SimType[] {
    return [...this.typesByName.values()];
  }

  /** Places a type info in the data section at the runtime's type alignment. */
  defineType(name: string, size: number): SimType {
    if (this.typesByName.has(name)) throw new Error(`type ${name} is already defined`);
    if (size < this.generationOffset + 4)
      throw new RangeError(`${name}: ${size} bytes cannot hold the generation at offset ${this.generationOffset}`);
    const address = alignUp(this.nextTypeAddress, BigInt(this.typeAlignment));
    this.nextTypeAddress = address + 8n * BigInt(1 + this.random.below(6));
    const type: SimType = { name, address, size };
    this.typesByName.set(name, type);
    this.typesByAddress.set(address, type);
    return type;
  }

  type(name: string): SimType | undefined {
    return this.typesByName.get(name);
  }

  createRegion(name: string, size = 1 << 20): SimRegion {
    const address = alignUp(this.nextRegionAddress, 16n);
    const region: SimRegion = {
      id: this.regionsByAddress.size,
      name,
      address,
      size: BigInt(size),
      alive: true,
      next: address + HEADER,
      freeSlots: new Map(),
    };
    this.nextRegionAddress = address + BigInt(size) + 0x1000n;
    this.memory.set(address, this.random.u32());
    this.regionsByAddress.set(address, region);
    return region;
  }

  regionGeneration(region: SimRegion): number {
    return this.memory.get(region.address)!;
  }

  /** Ends a region: its generation changes, so every reference into it fails its region check. */
  destroyRegion(region: SimRegion): void {
    if (!region.alive) throw new Error(`region ${region.name} is already destroyed`);
    region.alive = false;
    this.memory.set(region.address, (this.regionGeneration(region) + 1) >>> 0);
  }

  allocate(region: SimRegion, type: SimType): SimObject {
    if (!region.alive) throw new Error(`region ${region.name} is destroyed`);
    const size = Math.ceil(type.size / 16) * 16;
    const reused = region.freeSlots.get(size)?.pop();
    let address: bigint;
    if (reused !== undefined) {
      // A reused slot keeps counting generations from where the freed object left it.
      address = reused;
    } else {
      address = region.next;
      if (address + BigInt(size) > region.address + region.size) throw new RangeError(`region ${region.name} is full`);
      region.next = address + BigInt(size);
      this.memory.set(address + BigInt(this.generationOffset), this.random.u32());
    }
    return { id: this.objectCount++, region, type, address, alive: true };
  }

  objectGeneration(object: SimObject): number {
    return this.memory.get(object.address + BigInt(this.generationOffset))!;
  }

  /** Frees an object: its generation changes, so references to it fail their generation check. */
  free(object: SimObject): void {
    if (!object.alive) throw new Error(`object ${object.id} is already freed`);
    object.alive = false;
    const at = object.address + BigInt(this.generationOffset);
    this.memory.set(at, (this.memory.get(at)! + 1) >>> 0);
    const size = Math.ceil(object.type.size / 16) * 16;
    const slots = object.region.freeSlots.get(size) ?? [];
    slots.push(object.address);
    object.region.freeSlots.set(size, slots);
  }

  /** The fields of a reference to the object as it is now. */
  fieldsOf(object: SimObject, scopeTetherMask = 0): UrslFields {
    return {
      objectGeneration: BigInt(this.objectGeneration(object)),
      regionGeneration: BigInt(this.regionGeneration(object.region)),
      objectPointer: object.address,
      typePointer: object.type.address,
      regionPointer: object.region.address,
      offsetToGeneration: BigInt(this.generationOffset),
      scopeTetherMask: BigInt(scopeTetherMask),
    };
  }

  /** Issues a universal reference to a live object. */
  issue(object: SimObject, scopeTetherMask = 0): DecodedUrsl {
    if (!object.alive) throw new Error(`object ${object.id} is freed; no reference can be issued to it`);
    return encodeUniversalReference(this.fieldsOf(object, scopeTetherMask), this.profile);
  }

  /**
   * Checks a reference as the receiving side would: decode, find the region
   * and compare its generation, find the object's generation and compare it,
   * then the type. Stops at the first failing step and says why.
   */
  check(reference: Uint8Array | DecodedUrsl, expectedType?: string): CheckResult {
    const decoded = reference instanceof Uint8Array ? decodeUniversalReference(reference, this.profile) : reference;
    const f = decoded.fields;
    const steps: CheckStep[] = [];
    const done = (failed?: CheckName): CheckResult => ({ ok: failed === undefined, steps, failed, fields: f });
    const step = (check: CheckName, ok: boolean, message: string): boolean => {
      steps.push({ check, ok, message });
      return ok;
    };

    const broken = decoded.problems.filter((p) => p.severity === 'error');
    if (!step('decode', broken.length === 0, broken.length ? broken.map((p) => p.message).join('; ') : 'fields decode cleanly'))
      return done('decode');

    const region = this.regionsByAddress.get(f.regionPointer);
    if (
      !step(
        'region',
        region !== undefined,
        region ? `region ${region.name} at ${hex(region.address)}` : `no region starts at ${hex(f.regionPointer)}`,
      )
    )
      return done('region');
    const regionGen = BigInt(this.regionGeneration(region!));
    if (
      !step(
        'regionGeneration',
        regionGen === f.regionGeneration,
        regionGen === f.regionGeneration
          ? `region generation ${hex(regionGen)} matches`
          : `region ${region!.name} has generation ${hex(regionGen)}, the reference carries ${hex(f.regionGeneration)}: the region was destroyed since the reference was made`,
      )
    ) {
      return done('regionGeneration');
    }

    const inside = f.objectPointer >= region!.address + HEADER && f.objectPointer < region!.next;
    if (
      !step(
        'object',
        inside,
        inside
          ? `object at ${hex(f.objectPointer)} lies inside region ${region!.name}`
          : `object pointer ${hex(f.objectPointer)} is outside region ${region!.name} [${hex(region!.address + HEADER)}, ${hex(region!.next)})`,
      )
    ) {
      return done('object');
    }
    const genAddress = f.objectPointer + f.offsetToGeneration;
    const objectGen = this.memory.get(genAddress);
    const genOk = objectGen !== undefined && BigInt(objectGen) === f.objectGeneration;
    if (
      !step(
        'objectGeneration',
        genOk,
        objectGen === undefined
          ? `no generation at ${hex(f.objectPointer)} + ${hex(f.offsetToGeneration)}: the offset to the generation is wrong or no object was allocated there`
          : genOk
            ? `object generation ${hex(f.objectGeneration)} matches`
            : `the object's generation is now ${hex(BigInt(objectGen))}, the reference carries ${hex(f.objectGeneration)}: the object was freed since the reference was made`,
      )
    ) {
      return done('objectGeneration');
    }

    const type = this.typesByAddress.get(f.typePointer);
    const typeOk = type !== undefined && (expectedType === undefined || type.name === expectedType);
    step(
      'type',
      typeOk,
      type === undefined
        ? `no type info at ${hex(f.typePointer)}`
        : typeOk
          ? `type ${type.name}`
          : `the reference is to a ${type.name}, the receiver expects a ${expectedType}`,
    );
    return done(typeOk ? undefined : 'type');
  }
}
