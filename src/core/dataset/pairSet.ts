/**
 * A set of pairs of 32-bit integers (a key >= 0, such as a URI index, and any value), in typed
 * arrays. The accumulator keeps, per media URI, the labels and row fingerprints beyond the first:
 * as a Map of lists, that cost an entry and an array per URI of a multi-label or video CSV (about
 * 0.3 µs per row of a 300,000-row multi-label CSV, most of the dataset checks' cost there).
 *
 * A key's first values are a list (nodes chained from the key, in the order they came): a few
 * values per key (multi-label rows, a video's segments) are found next to each other. A key with
 * more than LIST values (a video with many tracked boxes) has them all in a hash table as well,
 * so that a long list is not walked for every value.
 */
export class PairSet {
  /** Per key: its first node + 1 (0: none), and how many values it has. */
  private head = new Int32Array(1024);
  private counts = new Int32Array(1024);
  /** Per node: its value, and the next node of its key + 1 (0: none). */
  private values = new Int32Array(1024);
  private next = new Int32Array(1024);
  private nodes = 0;
  /** The last node of each key (to append in order). */
  private tail = new Int32Array(1024);
  /** The pairs of keys with more than LIST values: per slot, key + 1 (0: empty), value. */
  private slots = new Int32Array(0);
  private mask = -1;
  private size = 0;

  /** Adds the pair; returns false when it was in the set already. */
  add(key: number, value: number): boolean {
    const v = value | 0;
    if (key >= this.head.length) this.growKeys(key);
    const n = this.counts[key];
    if (n > LIST) {
      if (!this.tableAdd(key, v)) return false;
      this.counts[key] = n + 1;
      return true;
    }
    const values = this.values;
    const next = this.next;
    for (let at = this.head[key]; at !== 0; at = next[at - 1]) if (values[at - 1] === v) return false;
    this.append(key, v);
    this.counts[key] = n + 1;
    if (n + 1 > LIST) {
      // The key's list is long: its values go to the table, which answers for the key from now on.
      for (let at = this.head[key]; at !== 0; at = next[at - 1]) this.tableAdd(key, values[at - 1]);
    }
    return true;
  }

  has(key: number, value: number): boolean {
    const v = value | 0;
    if (key >= this.head.length) return false;
    if (this.counts[key] > LIST) return this.tableHas(key, v);
    for (let at = this.head[key]; at !== 0; at = this.next[at - 1]) if (this.values[at - 1] === v) return true;
    return false;
  }

  private append(key: number, v: number): void {
    const i = this.nodes++;
    if (i === this.values.length) {
      this.values = grown(this.values, i * 2);
      this.next = grown(this.next, i * 2);
    }
    this.values[i] = v;
    this.next[i] = 0;
    const last = this.tail[key];
    if (last === 0) this.head[key] = i + 1;
    else this.next[last - 1] = i + 1;
    this.tail[key] = i + 1;
  }

  private growKeys(key: number): void {
    let n = this.head.length * 2;
    while (n <= key) n *= 2;
    this.head = grown(this.head, n);
    this.counts = grown(this.counts, n);
    this.tail = grown(this.tail, n);
  }

  private tableAdd(key: number, v: number): boolean {
    if ((this.size + 1) * 2 > this.mask) this.growTable();
    const k = key + 1;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(k, v) & mask; ; s = (s + 1) & mask) {
      const at = slots[s * 2];
      if (at === 0) {
        slots[s * 2] = k;
        slots[s * 2 + 1] = v;
        this.size++;
        return true;
      }
      if (at === k && slots[s * 2 + 1] === v) return false;
    }
  }

  private tableHas(key: number, v: number): boolean {
    const k = key + 1;
    const slots = this.slots;
    const mask = this.mask;
    for (let s = slotOf(k, v) & mask; ; s = (s + 1) & mask) {
      const at = slots[s * 2];
      if (at === 0) return false;
      if (at === k && slots[s * 2 + 1] === v) return true;
    }
  }

  private growTable(): void {
    const old = this.slots;
    const n = Math.max(256, (this.mask + 1) * 2);
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

/** Values a key keeps in its list before they go to the table. */
const LIST = 64;

function grown(a: Int32Array, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}

function slotOf(k: number, v: number): number {
  let h = Math.imul(k, 0x9e3779b1) ^ Math.imul(v ^ (v >>> 16), 0x85ebca77);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 13);
}
