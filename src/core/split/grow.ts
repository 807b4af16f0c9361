/** Growable typed arrays: per-item facts for millions of items without per-item objects. */
export class GrowInt32 {
  data: Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Int32Array(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Makes room for `n` values in all, doubling (for bulk appends). */
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Int32Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy: the unused tail was never touched, so it costs no memory). */
  toArray(): Int32Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowUint32 {
  data: Uint32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint32Array(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Makes room for `n` values in all, doubling (for bulk appends). */
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Uint32Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy: the unused tail was never touched, so it costs no memory). */
  toArray(): Uint32Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowFloat64 {
  data: Float64Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Float64Array(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Makes room for `n` values in all, doubling (for bulk appends). */
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Float64Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy: the unused tail was never touched, so it costs no memory). */
  toArray(): Float64Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowInt8 {
  data: Int8Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Int8Array(initial);
  }
  push(v: number): void {
    if (this.length === this.data.length) {
      const next = new Int8Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** Makes room for `n` values in all, doubling (for bulk appends). */
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Int8Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy: the unused tail was never touched, so it costs no memory). */
  toArray(): Int8Array {
    return this.data.subarray(0, this.length);
  }
}

/**
 * Label ids per item (-1: none): two bytes each while every id fits in them (as in most files,
 * whose labels are far fewer than 32,768), four from the first id that does not.
 */
export class GrowLabels {
  data: Int16Array | Int32Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Int16Array(initial);
  }
  private make(n: number): Int16Array | Int32Array {
    return this.data instanceof Int16Array ? new Int16Array(n) : new Int32Array(n);
  }
  /** Makes room for `n` values in all, doubling (for bulk appends). */
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling. */
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = this.make(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** Room for ids up to `id`: four bytes per value from now on when it does not fit in two. */
  fit(id: number): void {
    if (id <= 32767 || this.data instanceof Int32Array) return;
    const next = new Int32Array(this.data.length);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy: the unused tail was never touched, so it costs no memory). */
  toArray(): Int16Array | Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The most narrow ids reserved before they are needed (see GrowGroupIds.later). */
const NARROW_RESERVE = 1 << 17;

/**
 * Group ids per item: 16 bits each while every id fits (a file with fewer than 65,535 groups
 * touches half the memory), 32 bits from the first id that does not. UNSET (-1: no id yet) is
 * kept as 0xffff while narrow.
 */
export class GrowGroupIds {
  data: Uint16Array | Int32Array;
  length = 0;
  /**
   * A reservation put off while the ids are narrow: a file with many groups widens within its
   * first 65,536 items, and a narrow array of its full size would only add to the peak memory.
   */
  private later = 0;
  constructor(initial = 1024) {
    this.data = new Uint16Array(initial);
  }
  get wide(): boolean {
    return this.data instanceof Int32Array;
  }
  /** Room for ids below `limit` (widening when a narrow slot cannot hold them all). */
  fit(limit: number): void {
    if (limit > NARROW_MAX + 1 && !(this.data instanceof Int32Array)) {
      const next = new Int32Array(Math.max(this.data.length, this.later));
      const d = this.data;
      for (let i = 0; i < this.length; i++) next[i] = d[i] === NARROW_UNSET ? -1 : d[i];
      this.data = next;
    }
  }
  get(i: number): number {
    const v = this.data[i];
    return v === NARROW_UNSET && !(this.data instanceof Int32Array) ? -1 : v;
  }
  /** Sets item i's id (-1: none yet). */
  set(i: number, v: number): void {
    this.fit(v + 1);
    this.data[i] = v;
  }
  push(v: number): void {
    if (this.length === this.data.length) this.ensure(this.length + 1);
    this.set(this.length++, v);
  }
  /** Makes room for `n` values in all, doubling (for bulk appends), or taking a reservation put off. */
  ensure(n: number): void {
    if (n > this.data.length) this.resize(Math.max(n, this.later, 2 * this.data.length));
  }
  /** Makes room for `n` values without further doubling (while narrow, past NARROW_RESERVE: when they are needed). */
  reserve(n: number): void {
    if (!(this.data instanceof Int32Array) && n > NARROW_RESERVE) {
      this.later = Math.max(this.later, n);
      n = NARROW_RESERVE;
    }
    if (n > this.data.length) this.resize(n);
  }
  private resize(n: number): void {
    const next = this.data instanceof Int32Array ? new Int32Array(n) : new Uint16Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  /** The values as a view (no copy). */
  toArray(): Uint16Array | Int32Array {
    return this.data.subarray(0, this.length);
  }
}

/** The largest id a narrow GrowGroupIds holds (0xffff stands for -1). */
const NARROW_MAX = 0xfffe;
const NARROW_UNSET = 0xffff;

export class GrowUint16 {
  data: Uint16Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint16Array(initial);
  }
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Uint16Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  toArray(): Uint16Array {
    return this.data.subarray(0, this.length);
  }
}

export class GrowUint8 {
  data: Uint8Array;
  length = 0;
  constructor(initial = 1024) {
    this.data = new Uint8Array(initial);
  }
  ensure(n: number): void {
    if (n > this.data.length) this.reserve(Math.max(n, 2 * this.data.length));
  }
  reserve(n: number): void {
    if (n <= this.data.length) return;
    const next = new Uint8Array(n);
    next.set(this.data.subarray(0, this.length));
    this.data = next;
  }
  toArray(): Uint8Array {
    return this.data.subarray(0, this.length);
  }
}
