// Media URIs and inline texts -> dense indexes, for the dataset accumulator's duplicate checks.
// Hashing and the table live in WebAssembly (src/core/wasm/uriindex.c); keys go in by batches,
// concatenated into strings of about PIECE characters and written to the module's memory as UTF-8,
// which is one byte per character when every key is ASCII (the usual case; the byte count says
// so), else again as UTF-16 code units
// (copying each key out of V8 separately costs as much as hashing it in JavaScript). Concatenating
// as keys come (V8 flattens the result once, in the write) costs less than collecting and joining.
import { wasmInstance, type WasmBase } from '../wasm/load';
import { WASM_BASE64 } from '../wasm/uriindex.wasm';

interface UriIndexExports extends WasmBase {
  lens(): number;
  kinds(): number;
  keys(): number;
  added(): number;
  lo(): number;
  hi(): number;
  size(): number;
  init(slots: number, items: number): number;
  scratch(bytes: number): number;
  lookup(units: number, n: number): number;
  lookupAscii(chars: number, n: number): number;
  probe(n: number): number;
}

/** Keys per batch (the module's arrays hold this many). */
export const URI_BATCH = 1024;

/**
 * Most characters of keys concatenated before they are written out (a longer key goes alone). V8
 * flattens a concatenation when it is written, and a flat string over 128 KB is a large object,
 * allocated on pages of its own: a batch of 256 texts of 1,000 characters cost about 600 ns per
 * key written whole, 200 ns in pieces of this size (60,000 two-byte characters still fit).
 */
const PIECE = 60000;

/** What a key is: the same text as a URI and as inline content are different keys. */
export const enum KeyKind {
  Uri = 0,
  Text = 1,
}

export class UriIndex {
  private wasmInstance: UriIndexExports | undefined;
  private memory: ArrayBuffer | undefined;
  private bytes!: Buffer;
  private lensView!: Int32Array;
  private kindsView!: Uint8Array;
  private keysView!: Int32Array;
  private addedView!: Uint8Array;
  private loView!: Uint32Array;
  private hiView!: Uint32Array;
  /** Keys of the batch not written out yet (see PIECE). */
  private joined = '';
  /** The batch's pieces written out so far (UTF-16 is written from them again when a key is not ASCII). */
  private parts: string[] = [];
  /** Bytes of the batch written at `at` so far, in the module's buffer of `cap` bytes for batches. */
  private written = 0;
  private at = 0;
  private cap = 0;
  private count = 0;
  private units = 0;
  private readonly capacity: number;

  /** `expected`: how many keys to make room for up front (growing rehashes everything). */
  constructor(expected = 0) {
    let capacity = 1 << 12;
    while (capacity < expected * 2) capacity *= 2;
    this.capacity = capacity;
  }

  /** The module is instantiated on the first key: an accumulator that never sees one (the editor's incremental finish) reserves no memory. */
  private ready(): UriIndexExports {
    if (this.wasmInstance === undefined) {
      const wasm = wasmInstance<UriIndexExports>('uriindex', WASM_BASE64);
      if (!wasm.init(this.capacity, this.capacity >> 1)) throw new RangeError('not enough memory for the URI index');
      this.wasmInstance = wasm;
      this.views();
    }
    return this.wasmInstance;
  }

  private views(): void {
    const wasm = this.ready();
    const buf = (this.memory = wasm.memory.buffer);
    this.bytes = Buffer.from(buf);
    this.lensView = new Int32Array(buf, wasm.lens(), URI_BATCH);
    this.kindsView = new Uint8Array(buf, wasm.kinds(), URI_BATCH);
    this.keysView = new Int32Array(buf, wasm.keys(), URI_BATCH);
    this.addedView = new Uint8Array(buf, wasm.added(), URI_BATCH);
    this.loView = new Uint32Array(buf, wasm.lo(), URI_BATCH);
    this.hiView = new Uint32Array(buf, wasm.hi(), URI_BATCH);
  }

  private fresh(): void {
    if (this.memory !== this.ready().memory.buffer) this.views();
  }

  get size(): number {
    return this.wasmInstance === undefined ? 0 : this.wasmInstance.size();
  }

  /** Queues a key for the next `run` (at most URI_BATCH per run); `undefined` holds a place with no key. */
  push(key: string | undefined, kind: KeyKind = KeyKind.Uri): void {
    if (this.wasmInstance === undefined) this.ready();
    if (this.count === URI_BATCH) throw new RangeError(`at most ${URI_BATCH} keys per run`);
    const i = this.count++;
    if (key === undefined) {
      this.lensView[i] = -1;
      return;
    }
    if (this.joined.length + key.length > PIECE && this.joined.length > 0) this.spill();
    this.joined += key;
    this.lensView[i] = key.length;
    this.kindsView[i] = kind;
    this.units += key.length;
  }

  /** Writes the keys not written yet as UTF-8 behind those written. */
  private spill(): void {
    const piece = this.joined;
    // UTF-8 takes at most 3 bytes per code unit (a surrogate pair: 4 bytes for 2 units).
    this.room(this.written + piece.length * 3, true);
    this.written += this.bytes.write(piece, this.at + this.written, 'utf8');
    this.parts.push(piece);
    this.joined = '';
  }

  /** A buffer of at least `bytes` for the batch, keeping the bytes written so far when `keep`. */
  private room(bytes: number, keep: boolean): void {
    if (bytes <= this.cap && this.at !== 0) return;
    const before = this.at;
    const at = this.ready().scratch(bytes);
    if (at === 0) throw new RangeError('not enough memory for the URI index');
    this.fresh();
    if (keep && at !== before && this.written > 0) this.bytes.copy(this.bytes, at, before, before + this.written);
    this.at = at;
    this.cap = bytes;
  }

  /**
   * Looks up the queued keys in order; then `key(i)` is the i-th key's index (-1 for a place with
   * no key; a new key gets the next index) and `added(i)` whether it was new. Returns the count.
   */
  run(): number {
    const n = this.count;
    this.spill();
    const units = this.units;
    let ok: number;
    // As many bytes as code units: every unit is ASCII (any other takes 2 or more bytes).
    if (this.written === units) ok = this.ready().lookupAscii(this.at, n);
    else {
      this.room(units * 2, false);
      this.bytes.write(this.parts.length === 1 ? this.parts[0] : this.parts.join(''), this.at, 'utf16le');
      ok = this.ready().lookup(this.at, n);
    }
    if (!ok) throw new RangeError('not enough memory for the URI index');
    this.fresh();
    this.parts = [];
    this.written = 0;
    this.count = 0;
    this.units = 0;
    return n;
  }

  key(i: number): number {
    return this.keysView[i];
  }

  added(i: number): boolean {
    return this.addedView[i] === 1;
  }

  /** One key at once (tests, small inputs). */
  lookup(key: string, kind: KeyKind = KeyKind.Uri): number {
    this.push(key, kind);
    this.run();
    return this.keysView[0];
  }

  /** Looks up keys by their two hash halves (tests: forced collisions). */
  lookupHashes(pairs: ReadonlyArray<readonly [number, number]>): number[] {
    if (this.wasmInstance === undefined) this.ready();
    if (pairs.length > URI_BATCH) throw new RangeError(`at most ${URI_BATCH} keys per run`);
    for (let i = 0; i < pairs.length; i++) {
      this.lensView[i] = 0;
      this.loView[i] = pairs[i][0];
      this.hiView[i] = pairs[i][1];
    }
    if (!this.ready().probe(pairs.length)) throw new RangeError('not enough memory for the URI index');
    this.fresh();
    return Array.from(this.keysView.subarray(0, pairs.length));
  }
}
