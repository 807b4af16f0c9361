/**
 * A set of pairs of 32-bit integers (a key >= 0 and any value), open addressing in one typed array.
 * The accumulator keeps, per media URI, the labels and row fingerprints beyond the first: as a Map
 * of lists, that cost an entry and an array per URI of a multi-label or video CSV (about 0.3 µs
 * per row of a 300,000-row multi-label CSV, most of the dataset checks' cost there).
 */
export class PairSet {
  /** Per slot: key + 1 (0: empty), value. */
  private slots: Int32Array;
  private mask: number;
  private size = 0;

  constructor(initialSlots = 1024) {
    let n = 16;
    while (n < initialSlots) n *= 2;
    this.slots = new Int32Array(n * 2);
    this.mask = n - 1;
  }

  /** Adds the pair; returns false when it was in the set already. */
  add(key: number, value: number): boolean {
    const k = key + 1;
    const v = value | 0;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(k, v) & mask; ; s = (s + 1) & mask) {
      const at = slots[s * 2];
      if (at === 0) {
        slots[s * 2] = k;
        slots[s * 2 + 1] = v;
        if (++this.size * 2 > mask) this.grow();
        return true;
      }
      if (at === k && slots[s * 2 + 1] === v) return false;
    }
  }

  has(key: number, value: number): boolean {
    const k = key + 1;
    const v = value | 0;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(k, v) & mask; ; s = (s + 1) & mask) {
      const at = slots[s * 2];
      if (at === 0) return false;
      if (at === k && slots[s * 2 + 1] === v) return true;
    }
  }

  private grow(): void {
    const old = this.slots;
    const n = (this.mask + 1) * 2;
    const slots = (this.slots = new Int32Array(n * 2));
    const mask = (this.mask = n - 1);
    for (let i = 0; i < old.length; i += 2) {
      const k = old[i];
      if (k === 0) continue;
      const v = old[i + 1];
      let s = slotOf(k, v) & mask;
      while (slots[s * 2] !== 0) s = (s + 1) & mask;
      slots[s * 2] = k;
      slots[s * 2 + 1] = v;
    }
  }
}

function slotOf(k: number, v: number): number {
  let h = Math.imul(k, 0x9e3779b1) ^ Math.imul(v ^ (v >>> 16), 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
