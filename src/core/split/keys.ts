import { hashString } from './prng';

/**
 * Maps string keys (media URIs, group ids) to dense ids without keeping the strings: keys are
 * stored as 64-bit hashes in typed arrays, so ten million keys cost ~200 MB instead of several GB.
 * Two different keys collide with probability ~n²/2⁶⁵ (about 3e-6 for ten million keys); a
 * collision only merges two items into the same split, it never loses or changes data.
 */
export const KEY_SEED_A = 0x9747b28c;
export const KEY_SEED_B = 0x3c6ef372;

/** Dense ids of key hash pairs (see KeyTable): a pair's id is the number of distinct pairs seen before it. */
export interface GroupIds {
  /** idOfHashes of KeyTable: the same ids for the same calls. */
  idOfHashes(aRaw: number, bRaw: number): number;
  readonly size: number;
  /**
   * Items per id (`size` of them) of the items the table gave ids itself (pass 1 in WebAssembly),
   * when it counts them; the ids given through idOfHashes are not counted.
   */
  sizes?(): Int32Array;
}

export class KeyTable implements GroupIds {
  /** Slot k is slots[3k..3k+3): first hash, second hash (odd, so never 0), id (-1: empty). One cache line per probe. */
  private slots: Int32Array;
  private cap: number;
  size = 0;

  constructor(initialCapacity = 1 << 12) {
    let cap = 1 << 4;
    while (cap < initialCapacity) cap <<= 1;
    this.cap = cap;
    this.slots = KeyTable.empty(cap);
  }

  private static empty(cap: number): Int32Array {
    const s = new Int32Array(cap * 3);
    for (let k = 2; k < s.length; k += 3) s[k] = -1;
    return s;
  }

  /** The id of `key`, assigning the next dense id when the key is new. */
  idOf(key: string): number {
    return this.idOfHashes(hashString(KEY_SEED_A, key), hashString(KEY_SEED_B, key));
  }

  /** idOf for a key whose two hashes (hashString with KEY_SEED_A and KEY_SEED_B) are known. */
  idOfHashes(aRaw: number, bRaw: number): number {
    const a = aRaw | 0;
    const b = bRaw | 1;
    const mask = this.cap - 1;
    const slots = this.slots;
    let k = aRaw & mask;
    for (;;) {
      const id = slots[3 * k + 2];
      if (id === -1) break;
      if (slots[3 * k] === a && slots[3 * k + 1] === b) return id;
      k = (k + 1) & mask;
    }
    const id = this.size++;
    slots[3 * k] = a;
    slots[3 * k + 1] = b;
    slots[3 * k + 2] = id;
    if (this.size * 2 > this.cap) this.grow();
    return id;
  }

  /**
   * idOfHashes(ga[k], gb[k]) for k = from, from + 1, ... while has[k] is 1 (k < n), each id into
   * out[at + k]; returns the first k not done. One call for a run of rows: the table stays in locals.
   */
  idsOfHashes(ga: Int32Array, gb: Int32Array, has: Uint8Array, from: number, n: number, out: Int32Array | Uint16Array, at: number): number {
    let slots = this.slots;
    let mask = this.cap - 1;
    let k = from;
    for (; k < n && has[k] === 1; k++) {
      const aRaw = ga[k];
      const a = aRaw | 0;
      const b = gb[k] | 1;
      let j = aRaw & mask;
      let id: number;
      for (;;) {
        id = slots[3 * j + 2];
        if (id === -1) break;
        if (slots[3 * j] === a && slots[3 * j + 1] === b) break;
        j = (j + 1) & mask;
      }
      if (id === -1) {
        id = this.size++;
        slots[3 * j] = a;
        slots[3 * j + 1] = b;
        slots[3 * j + 2] = id;
        if (this.size * 2 > this.cap) {
          this.grow();
          slots = this.slots;
          mask = this.cap - 1;
        }
      }
      out[at + k] = id;
    }
    return k;
  }

  /** The pairs (first hash, second hash) of ids 0, 1, ... in turn: idOfHashes of each in this order rebuilds the ids. */
  pairs(): Int32Array {
    const out = new Int32Array(2 * this.size);
    const s = this.slots;
    for (let i = 0; i < s.length; i += 3) {
      const id = s[i + 2];
      if (id === -1) continue;
      out[2 * id] = s[i];
      out[2 * id + 1] = s[i + 1];
    }
    return out;
  }

  private grow(): void {
    const old = this.slots;
    this.cap *= 2;
    this.slots = KeyTable.empty(this.cap);
    const mask = this.cap - 1;
    for (let i = 0; i < old.length; i += 3) {
      if (old[i + 2] === -1) continue;
      let k = old[i] & mask;
      while (this.slots[3 * k + 2] !== -1) k = (k + 1) & mask;
      this.slots[3 * k] = old[i];
      this.slots[3 * k + 1] = old[i + 1];
      this.slots[3 * k + 2] = old[i + 2];
    }
  }
}
