import { GrowFloat64, GrowInt32 } from './grow';

/** An item without a time, in the seconds form. */
export const NO_SECOND = -0x80000000;
const MAX_OFFSET = 0x7fffffff;

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
 * Item times (ms since the epoch, NaN: none) while items are collected. As long as every time is a
 * whole second within 2^31 s of the first one (dates, date-times, Unix seconds), they are kept as
 * 32-bit offsets from that first second: half the memory and copying of doubles, and the temporal
 * split works on integers. The first time that is not (milliseconds, far dates) turns the column
 * into doubles for good.
 */
export class TimeColumn {
  /** Seconds form (null once in milliseconds). */
  private sec: GrowInt32 | null = new GrowInt32();
  private ms: GrowFloat64 | null = null;
  /** The base second (NaN until the first time). */
  private base = NaN;
  private min = MAX_OFFSET;
  private max = NO_SECOND;

  /** 0: no time yet, 1: seconds after `baseSecond`, 2: milliseconds. */
  get mode(): number {
    return this.sec === null ? 2 : Number.isNaN(this.base) ? 0 : 1;
  }

  get baseSecond(): number {
    return this.base;
  }

  get length(): number {
    return this.sec ? this.sec.length : this.ms!.length;
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
    if (this.sec) {
      const x = this.sec.data[i];
      return x === NO_SECOND ? NaN : (this.base + x) * 1000;
    }
    return this.ms!.data[i];
  }

  /** Sets item i's time (ms, NaN: none); i < length. */
  set(i: number, ms: number): void {
    if (this.sec) {
      const d = this.offset(ms);
      if (d !== null) {
        if (d !== NO_SECOND) this.seen(ms, d);
        this.sec.data[i] = d;
        return;
      }
      this.toMs();
    }
    this.ms!.data[i] = ms;
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
    this.set(n, ms);
  }

  ensure(n: number): void {
    if (this.sec) this.sec.ensure(n);
    else this.ms!.ensure(n);
  }

  reserve(n: number): void {
    if (this.sec) this.sec.reserve(n);
    else this.ms!.reserve(n);
  }

  private setLength(n: number): void {
    if (this.sec) this.sec.length = n;
    else this.ms!.length = n;
  }

  /**
   * Appends n times given as seconds after base `base` (NO_SECOND: none; min/max bound the others
   * when known): one copy when they share the column's base.
   */
  appendSeconds(src: Int32Array, n: number, base: number, min?: number, max?: number): void {
    const at = this.length;
    if (this.sec && Number.isNaN(this.base) && !Number.isNaN(base)) this.base = base;
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

  /** Turns the column into milliseconds. */
  private toMs(): void {
    const sec = this.sec!;
    const n = sec.length;
    const ms = new GrowFloat64(1);
    ms.reserve(Math.max(n, sec.data.length));
    for (let i = 0; i < n; i++) ms.data[i] = this.get(i);
    ms.length = n;
    this.ms = ms;
    this.sec = null;
  }

  /** The times in ms (built from the seconds form when that is how they are kept). */
  toMsArray(): Float64Array {
    if (this.ms) return this.ms.toArray();
    const n = this.sec!.length;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = this.get(i);
    return out;
  }

  /** The seconds form, when the times are kept so. */
  toSeconds(): SecondTimes | undefined {
    if (!this.sec) return undefined;
    return { base: Number.isNaN(this.base) ? 0 : this.base, sec: this.sec.toArray(), min: this.min, max: this.max };
  }
}
