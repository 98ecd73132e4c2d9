/**
 * A list of 32-bit integers that grows by doubling, in a typed array: 4 bytes an entry (a plain
 * array holds 8 a number, and reserves half as much again to grow), outside the collected heap,
 * never scanned or copied by a collection. For the walk's long lists of entry numbers.
 */
export class IntList {
  private data: Int32Array;
  length = 0;

  constructor(capacity = 64) {
    this.data = new Int32Array(capacity);
  }

  push(x: number): void {
    if (this.length === this.data.length) {
      const grown = new Int32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = x;
  }

  /** Entry i (below `length`). */
  get(i: number): number {
    return this.data[i];
  }

  /** Empties the list (its room is kept). */
  clear(): void {
    this.length = 0;
  }
}
