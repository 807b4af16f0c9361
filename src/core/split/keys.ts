import { hashString } from './prng';

/**
 * Maps string keys (media URIs, group ids) to dense ids without keeping the strings: keys are
 * stored as 64-bit hashes in typed arrays, so ten million keys cost ~200 MB instead of several GB.
 * Two different keys collide with probability ~n²/2⁶⁵ (about 3e-6 for ten million keys); a
 * collision only merges two items into the same split, it never loses or changes data.
 */
export const KEY_SEED_A = 0x9747b28c;
export const KEY_SEED_B = 0x3c6ef372;

export class KeyTable {
  private h1: Uint32Array;
  private h2: Uint32Array;
  private ids: Int32Array;
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1 << 12) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.h1 = new Uint32Array(cap);
    this.h2 = new Uint32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
  }

  /** The id of `key`, assigning the next dense id when the key is new. */
  idOf(key: string): number {
    return this.idOfHashes(hashString(KEY_SEED_A, key), hashString(KEY_SEED_B, key));
  }

  /** idOf for a key whose two hashes (hashString with KEY_SEED_A and KEY_SEED_B) are known. */
  idOfHashes(a: number, bRaw: number): number {
    const b = (bRaw | 1) >>> 0;
    let slot = a & this.mask;
    for (;;) {
      const id = this.ids[slot];
      if (id === -1) break;
      if (this.h1[slot] === a && this.h2[slot] === b) return id;
      slot = (slot + 1) & this.mask;
    }
    const id = this.size++;
    this.h1[slot] = a;
    this.h2[slot] = b;
    this.ids[slot] = id;
    if (this.size * 2 > this.ids.length) this.grow();
    return id;
  }

  private grow(): void {
    const { h1, h2, ids } = this;
    const cap = ids.length * 2;
    this.h1 = new Uint32Array(cap);
    this.h2 = new Uint32Array(cap);
    this.ids = new Int32Array(cap).fill(-1);
    this.mask = cap - 1;
    for (let i = 0; i < ids.length; i++) {
      if (ids[i] === -1) continue;
      let slot = h1[i] & this.mask;
      while (this.ids[slot] !== -1) slot = (slot + 1) & this.mask;
      this.h1[slot] = h1[i];
      this.h2[slot] = h2[i];
      this.ids[slot] = ids[i];
    }
  }
}
