/**
 * String-keyed lookups for keys that are new string objects on every line (a label read from
 * each line). A Map has V8 hash each such string through a call into the runtime; hashing a short
 * string in JavaScript and comparing with the stored key costs about half as much.
 */
export class StringTable<V> {
  private keys: (string | undefined)[];
  private values: (V | undefined)[];
  private mask: number;
  size = 0;

  constructor() {
    this.keys = new Array<string | undefined>(64).fill(undefined);
    this.values = new Array<V | undefined>(64).fill(undefined);
    this.mask = 63;
  }

  get(key: string): V | undefined {
    const keys = this.keys;
    const mask = this.mask;
    for (let s = hash(key) & mask; ; s = (s + 1) & mask) {
      const k = keys[s];
      if (k === key) return this.values[s];
      if (k === undefined) return undefined;
    }
  }

  set(key: string, value: V): void {
    const keys = this.keys;
    const mask = this.mask;
    let s = hash(key) & mask;
    for (; ; s = (s + 1) & mask) {
      const k = keys[s];
      if (k === key) {
        this.values[s] = value;
        return;
      }
      if (k === undefined) break;
    }
    keys[s] = key;
    this.values[s] = value;
    if (++this.size * 2 > mask) this.grow();
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const n = keys.length * 2;
    this.keys = new Array<string | undefined>(n).fill(undefined);
    this.values = new Array<V | undefined>(n).fill(undefined);
    this.mask = n - 1;
    this.size = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== undefined) this.set(k, values[i] as V);
    }
  }
}

function hash(s: string): number {
  let h = s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h ^ (h >>> 15);
}
