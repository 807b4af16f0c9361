import { GrowFloat64, GrowInt32, GrowUint16, GrowUint8 } from './grow';

/** An item without a time, in the seconds form. */
export const NO_SECOND = -0x80000000;
const MAX_OFFSET = 0x7fffffff;
/** An item without a time, in the dictionary form with 16-bit ids (with 8-bit ids: NO_ID8). */
export const NO_ID = 0xffff;
export const NO_ID8 = 0xff;
/** Distinct times the dictionary form holds at most (ids 0 .. MAX_IDS - 1); 8-bit ids hold NO_ID8. */
export const MAX_IDS = 0xffff;

/**
 * A dictionary of at least this many times that holds more than one time per CROWDED_ITEMS items
 * is given up for the seconds form: such files gain little from it and would pay for building it
 * up to MAX_IDS times.
 */
const CROWDED_SIZE = 4096;
const CROWDED_ITEMS = 8;

/** The id of no time in ids of this width. */
export function noIdOf(ids: Uint8Array | Uint16Array): number {
  return ids instanceof Uint8Array ? NO_ID8 : NO_ID;
}

/**
 * Item times as whole seconds after a base second, in 32 bits: time (ms) = 1000 * (base + sec[i]),
 * NO_SECOND for none. min and max bound every stored second (not necessarily tightly).
 */
export interface SecondTimes {
  base: number;
  sec: Int32Array;
  min: number;
  max: number;
}

/**
 * Item times as ids into a dictionary of distinct seconds: time (ms) = 1000 * (base + dict[ids[i]]),
 * noIdOf(ids) for none (8-bit ids while the dictionary has fewer than 255 entries). The dictionary's order is that of first sight (not sorted); an entry may have no
 * item left (an item's time can move to an earlier one).
 */
export interface DictTimes {
  base: number;
  ids: Uint8Array | Uint16Array;
  dict: Int32Array;
  /** Items per id, when counted as they came (else the split counts them). */
  count?: Int32Array;
}

/**
 * Item times (ms since the epoch, NaN: none) while items are collected. Files often hold few
 * distinct times (dates, times rounded to hours): while there are at most MAX_IDS of them, all
 * whole seconds within 2^31 s of the first, an item keeps a 16-bit id into a dictionary of them
 * (the dictionary form; 8-bit ids while there are fewer than 255). Past MAX_IDS distinct times they are kept as 32-bit offsets from the first
 * second (the seconds form): half the memory and copying of doubles either way, and the temporal
 * split works on integers. The first time that is not a whole second within 2^31 s of the first
 * (milliseconds, far dates) turns the column into doubles for good.
 */
export class TimeColumn {
  /** Dictionary form: per item an id into `dict` (null once in another form). */
  private ids: GrowUint8 | GrowUint16 | null = new GrowUint8();
  /** The id of no time: NO_ID8 while the ids are 8-bit, then NO_ID. */
  private none = NO_ID8;
  /** The dictionary: offsets of distinct seconds from the base, and offset -> id. */
  private readonly dict = new GrowInt32(64);
  private readonly idOf = new Map<number, number>();
  /** Items per id (at `none`: items without a time), in the dictionary form. */
  private counts: Int32Array | null = null;
  /** The last offset looked up and its id (files repeat their times in runs). */
  private lastOffset = NaN;
  private lastId = 0;
  /** Seconds form. */
  private sec: GrowInt32 | null = null;
  private ms: GrowFloat64 | null = null;
  /** The base second (NaN until the first time). */
  private base = NaN;
  private min = MAX_OFFSET;
  private max = NO_SECOND;

  /** The counts per id (allocated on first use: most splits keep no time). */
  private get idCount(): Int32Array {
    return (this.counts ??= new Int32Array(NO_ID + 1));
  }

  /** 1: seconds after `baseSecond`, 2: milliseconds, 3: 16-bit and 4: 8-bit ids into the dictionary (see dictSize, dictSecond). */
  get mode(): number {
    return this.ids ? (this.none === NO_ID8 ? 4 : 3) : this.sec ? 1 : 2;
  }

  get baseSecond(): number {
    return this.base;
  }

  /** Distinct times in the dictionary (they keep their ids once the column leaves that form). */
  get dictSize(): number {
    return this.dict.length;
  }

  /** The second (since the epoch) of dictionary id `id`. */
  dictSecond(id: number): number {
    return this.base + this.dict.data[id];
  }

  get length(): number {
    return this.ids ? this.ids.length : this.sec ? this.sec.length : this.ms!.length;
  }

  /** The offset of `ms` in the seconds form (NO_SECOND for NaN), or null when it has none. */
  private offset(ms: number): number | null {
    if (Number.isNaN(ms)) return NO_SECOND;
    if (!Number.isSafeInteger(ms) || ms % 1000 !== 0) return null;
    const s = ms / 1000;
    // The first time is the base.
    if (Number.isNaN(this.base)) return 0;
    const d = s - this.base;
    return d >= -MAX_OFFSET && d <= MAX_OFFSET ? d : null;
  }

  /** Item i's time in ms (NaN: none). */
  get(i: number): number {
    if (this.ids) {
      const id = this.ids.data[i];
      return id === this.none ? NaN : (this.base + this.dict.data[id]) * 1000;
    }
    if (this.sec) {
      const x = this.sec.data[i];
      return x === NO_SECOND ? NaN : (this.base + x) * 1000;
    }
    return this.ms!.data[i];
  }

  /** Sets item i's time (ms, NaN: none); i < length. */
  set(i: number, ms: number): void {
    if (this.ids || this.sec) {
      const d = this.offset(ms);
      if (d !== null) {
        if (d !== NO_SECOND) this.seen(ms, d);
        if (this.ids) {
          // (idFor may widen the ids.)
          const id = d === NO_SECOND ? this.none : this.idFor(d);
          if (id >= 0) {
            const ids = this.ids;
            this.idCount[ids.data[i]]--;
            this.idCount[id]++;
            ids.data[i] = id;
            return;
          }
          this.toSeconds32();
        }
        this.sec!.data[i] = d;
        return;
      }
      this.toMs();
    }
    this.ms!.data[i] = ms;
  }

  /** The dictionary id of offset d, added when new; -1 when the dictionary is full. */
  private idFor(d: number): number {
    if (d === this.lastOffset) return this.lastId;
    let id = this.idOf.get(d);
    if (id === undefined) {
      if (this.dict.length >= MAX_IDS || this.crowded) return -1;
      if (this.dict.length >= NO_ID8 && this.none === NO_ID8) this.widen();
      id = this.dict.length;
      this.dict.push(d);
      this.idOf.set(d, id);
    }
    this.lastOffset = d;
    this.lastId = id;
    return id;
  }

  /** Records a time in the seconds form (its offset d); the first sets the base. */
  private seen(ms: number, d: number): void {
    if (Number.isNaN(this.base)) this.base = ms / 1000;
    if (d < this.min) this.min = d;
    if (d > this.max) this.max = d;
  }

  push(ms: number): void {
    const n = this.length;
    this.ensure(n + 1);
    this.setLength(n + 1);
    if (this.ids) {
      // A new item has no time until set.
      this.ids.data[n] = this.none;
      this.idCount[this.none]++;
    }
    this.set(n, ms);
  }

  ensure(n: number): void {
    if (this.ids) this.ids.ensure(n);
    else if (this.sec) this.sec.ensure(n);
    else this.ms!.ensure(n);
  }

  reserve(n: number): void {
    if (this.ids) this.ids.reserve(n);
    else if (this.sec) this.sec.reserve(n);
    else this.ms!.reserve(n);
  }

  private setLength(n: number): void {
    if (this.ids) this.ids.length = n;
    else if (this.sec) this.sec.length = n;
    else this.ms!.length = n;
  }

  /**
   * Appends n times given as dictionary ids (noIdOf(src): none): one copy in the dictionary form of
   * their width. `counted`: the giver counts them per id and hands the counts over (addCounts).
   */
  appendIds(src: Uint8Array | Uint16Array, n: number, counted = false): void {
    const none = noIdOf(src);
    if (this.ids && none === this.none) {
      const at = this.ids.length;
      this.ids.ensure(at + n);
      this.ids.data.set(src.subarray(0, n), at);
      this.ids.length = at + n;
      if (counted) return;
      const count = this.idCount;
      for (let k = 0; k < n; k++) count[src[k]]++;
      return;
    }
    for (let k = 0; k < n; k++) this.push(src[k] === none ? NaN : this.dictSecond(src[k]) * 1000);
  }

  /** Whether the dictionary form holds too many distinct times for its items (see CROWDED_SIZE). */
  get crowded(): boolean {
    return this.ids !== null && this.dict.length >= CROWDED_SIZE && this.dict.length * CROWDED_ITEMS > this.ids.length;
  }

  /** Leaves the dictionary form for the seconds form (every time kept). */
  leaveDict(): void {
    if (this.ids) this.toSeconds32();
  }

  /**
   * Adds second `sec` (since the epoch; new, within 2^31 s of the base, in the dictionary form and
   * with room in its ids' width) as the next dictionary id: another reader gave it that id.
   */
  addDictSecond(sec: number): void {
    const d = sec - this.base;
    if (!this.ids || this.idOf.has(d) || !(Math.abs(d) <= MAX_OFFSET) || this.dict.length >= (this.none === NO_ID8 ? NO_ID8 : MAX_IDS)) {
      throw new Error('time dictionary out of step with pass 1');
    }
    this.seen(sec * 1000, d);
    this.idOf.set(d, this.dict.length);
    this.dict.push(d);
  }

  /** Adds items per id (of ids given with appendIds `counted`); nothing once the times are in another form. */
  addCounts(counts: ArrayLike<number>): void {
    if (!this.ids) return;
    const count = this.idCount;
    for (let k = 0; k < counts.length && k < MAX_IDS; k++) count[k] += counts[k];
  }

  /** 8-bit ids to 16-bit (the 256th distinct time). */
  private widen(): void {
    const ids = this.ids!;
    const n = ids.length;
    const wide = new GrowUint16(1);
    wide.reserve(Math.max(n, ids.data.length));
    const from = ids.data;
    const to = wide.data;
    for (let i = 0; i < n; i++) {
      const id = from[i];
      to[i] = id === NO_ID8 ? NO_ID : id;
    }
    wide.length = n;
    this.ids = wide;
    this.none = NO_ID;
    this.idCount[NO_ID] = this.idCount[NO_ID8];
    this.idCount[NO_ID8] = 0;
  }

  /**
   * Appends n times given as seconds after base `base` (NO_SECOND: none; min/max bound the others
   * when known): one copy when they share the column's base.
   */
  appendSeconds(src: Int32Array, n: number, base: number, min?: number, max?: number): void {
    const at = this.length;
    if (this.sec && (base === this.base || Number.isNaN(base))) {
      this.sec.ensure(at + n);
      this.sec.data.set(src.subarray(0, n), at);
      this.sec.length = at + n;
      if (Number.isNaN(base)) return;
      if (min === undefined || max === undefined) {
        for (let k = 0; k < n; k++) {
          const x = src[k];
          if (x === NO_SECOND) continue;
          if (x < this.min) this.min = x;
          if (x > this.max) this.max = x;
        }
      } else if (min <= max) {
        if (min < this.min) this.min = min;
        if (max > this.max) this.max = max;
      }
      return;
    }
    for (let k = 0; k < n; k++) this.push(src[k] === NO_SECOND ? NaN : (base + src[k]) * 1000);
  }

  /** Appends n times in ms (NaN: none). */
  appendMs(src: Float64Array, n: number): void {
    if (this.ms) {
      const at = this.ms.length;
      this.ms.ensure(at + n);
      this.ms.data.set(src.subarray(0, n), at);
      this.ms.length = at + n;
      return;
    }
    for (let k = 0; k < n; k++) this.push(src[k]);
  }

  /** Turns the dictionary form into the seconds form (every entry is an offset that fits). */
  private toSeconds32(): void {
    const ids = this.ids!;
    const n = ids.length;
    const sec = new GrowInt32(1);
    sec.reserve(Math.max(n, ids.data.length));
    const dict = this.dict.data;
    const id = ids.data;
    const none = this.none;
    for (let i = 0; i < n; i++) sec.data[i] = id[i] === none ? NO_SECOND : dict[id[i]];
    sec.length = n;
    this.sec = sec;
    this.ids = null;
  }

  /** Turns the column into milliseconds. */
  private toMs(): void {
    const n = this.length;
    const ms = new GrowFloat64(1);
    ms.reserve(Math.max(n, this.ids ? this.ids.data.length : this.sec!.data.length));
    for (let i = 0; i < n; i++) ms.data[i] = this.get(i);
    ms.length = n;
    this.ms = ms;
    this.sec = null;
    this.ids = null;
  }

  /** The times in ms (built from the other forms when that is how they are kept). */
  toMsArray(): Float64Array {
    if (this.ms) return this.ms.toArray();
    const n = this.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.get(i);
    return out;
  }

  /** The dictionary form, when the times are kept so. */
  toDict(): DictTimes | undefined {
    if (!this.ids) return undefined;
    const D = this.dict.length;
    return { base: Number.isNaN(this.base) ? 0 : this.base, ids: this.ids.toArray(), dict: this.dict.toArray(), count: this.idCount.slice(0, D) };
  }

  /** The seconds form, when the times are kept so (or in the dictionary form). */
  toSeconds(): SecondTimes | undefined {
    const d = this.toDict();
    if (d) return secondsOfDict(d, this.min, this.max);
    if (!this.sec) return undefined;
    return { base: Number.isNaN(this.base) ? 0 : this.base, sec: this.sec.toArray(), min: this.min, max: this.max };
  }
}

/** The seconds form of times in the dictionary form (min/max: bounds of the dictionary's seconds, when known). */
export function secondsOfDict(d: DictTimes, min?: number, max?: number): SecondTimes {
  const n = d.ids.length;
  const sec = new Int32Array(n);
  const dict = d.dict;
  const none = noIdOf(d.ids);
  for (let i = 0; i < n; i++) {
    const id = d.ids[i];
    sec[i] = id === none ? NO_SECOND : dict[id];
  }
  if (min === undefined || max === undefined) {
    min = MAX_OFFSET;
    max = NO_SECOND;
    for (const x of dict) {
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { base: d.base, sec, min, max };
}
