import { closeSync, openSync, readSync } from 'node:fs';
import { wasmInstance } from '../wasm/load';
import type { WasmBase } from '../wasm/load';
import { WASM_BASE64 } from '../wasm/split.wasm';
import { SplitError } from './errors';
import type { Source, StreamOptions } from './records';
import type { Destination } from './sink';
import type { GroupKernel, StratifyKernel, TieKernel } from './strategies';
import type { GroupIds } from './keys';
import type { ItemCollector, RecordFacts, RowSummary } from './table';
import type { TabularCsvAdapter } from './tabular';
import { MAX_IDS } from './times';

/**
 * The tabular CSV fast path in WebAssembly (src/core/wasm/split.c): input chunks are read straight
 * into the module's memory, pass 1 frames rows and reads the needed columns into per-row arrays,
 * pass 2 writes the rows with their values spliced in. Every record the module does not handle
 * exactly (header, blank and padded rows, quoted fields that are needed, non-ASCII keys, rare
 * timestamp forms, short rows...) goes through the adapter's per-record `read`/`write`, as in the
 * JavaScript fast path of tabular.ts, which stays as the reference (tests compare the two).
 */

interface Exports {
  state(): number;
  alloc(n: number): number;
  prepare(): number;
  addLabel(b: number, s: number, e: number, id: number): number;
  pass1(b: number, pos: number, len: number, eof: number): number;
  pass2(b: number, pos: number, len: number, eof: number, limit: number): number;
  frameAt(b: number, pos: number, len: number, eof: number): number;
  assignInit(seed: number, n: number, buckets: number, quotas: number): void;
  assignFill(): number;
  labelCount(lab: number, wide: number, m: number, cnt: number): void;
  labelPlace(lab: number, wide: number, m: number, first: number, seedMix: number, rank: number, q: number, left: number, buckets: number, out: number): void;
  placeTied(idx: number, m: number, seedMix: number, keys: number, tmp: number, qs: number, Q: number, s0: number, res: number): void;
  groupInit(): number;
  timeDictInit(): number;
  timeAdd(sec: number, id: number): void;
  timeCounts(): number;
  groupId(a: number, b: number): number;
  groupCount(): number;
  groupSizes(): number;
  gather32(ids: number, n: number, bucket: number, codes: number): void;
  gather16(ids: number, n: number, bucket: number, codes: number): void;
  groupPlace(rank: number, size: number, G: number, target: number, have: number, B: number, k1: number, i1: number, k2: number, i2: number, out: number): void;
}

// Indexes into the module's shared state (the enum at the top of split.c).
const ST_STATUS = 0;
const ST_START = 1;
const ST_CE = 2;
const ST_END = 3;
const ST_FS = 4;
const ST_FE = 5;
const ST_REASON = 6;
const ST_ROWS = 7;
const ST_OUT_USED = 8;
const ST_CODE_AT = 9;
const ST_CODE_LEN = 10;
const ST_HDR = 11;
const ST_WIDTH = 16;
const ST_SPLIT_AT = 17;
const ST_BY_AT = 18;
const ST_TIME_AT = 19;
const ST_LAST = 20;
const ST_WANT_ML = 21;
const ST_MODE = 22;
const ST_GROUP_SEED = 23;
const ST_NEEDED = 24;
const ST_APPEND = 25;
const ST_VALUE_AT = 26;
const ST_NWORDS = 27;
const ST_WORD_LEN0 = 28;
const ST_R_ML = 32;
const ST_R_LAB = 33;
const ST_R_TIME = 34;
const ST_R_GID = 35;
const ST_R_GNEW = 36;
const ST_G_BASE = 37;
const ST_G_NEWN = 38;
const ST_CODES = 39;
const ST_OUT = 40;
const ST_OUT_CAP = 41;
const ST_WORDS = 42;
const ST_VALUES = 43;
const ST_NO_FACTS = 46;
const ST_B_ML = 47;
const ST_B_MAX_LABEL = 48;
const ST_B_TIMED = 49;
const ST_T_MODE = 56;
const ST_T_BASE_LO = 57;
const ST_T_BASE_HI = 58;
const ST_B_TMIN = 59;
const ST_B_TMAX = 60;
const ST_T_NEW = 61;
const ST_T_NEWN = 62;
const T_MS = 2;
const T_DICT = 3;
const T_DICT8 = 4;

const SPECIAL = 2;
const FULL = 3;
const LIMIT = 4;
const CODES = 5;
const FLUSH = 6;
const NOMEM = 7;
const REASON_NEW_LABEL = 1;
const MAXCOLS = 256;
const CODES_CAP = 65536;
const MAXROWS = 8192;
/** Bytes the module may read or write past the end of a region. */
const SLACK = 64;

/** Per-row facts of the rows pass 1 just read (views over the module's memory, valid until the next call). */
export interface WasmRows {
  ml: Int8Array;
  label: Int32Array;
  /** In ms (NaN: none), whole seconds after second timeBase (NO_SECOND: none), or 8- or 16-bit ids into the collector's time dictionary (noIdOf: none). */
  time: Float64Array | Int32Array | Uint16Array | Uint8Array;
  timeBase: number;
  /** Group ids (mode 2: ids of the collector's table, see useGroupIds), and the ranks of the groups the rows start. */
  group: Int32Array;
  newRanks: Uint32Array;
  /** What the rows hold, summed up (see RowSummary). */
  summary: RowSummary;
}

class SplitWasm {
  readonly x: Exports & WasmBase;
  S!: Int32Array;
  mem!: Buffer;
  inAt = 0;
  inCap = 0;
  outAt = 0;
  outCap = 0;
  /** Room for pass 2's group ids and buckets per group (GroupCodes). */
  scratchAt = 0;
  scratchCap = 0;

  constructor() {
    this.x = wasmInstance<Exports>('split', WASM_BASE64);
    if (!this.x.prepare()) throw new Error('the split could not get WebAssembly memory');
    this.refresh();
  }

  /** Views again after the memory grew (a call that adds group ids may grow it). */
  fresh(): void {
    if (this.mem.buffer !== this.x.memory.buffer) this.refresh();
  }

  refresh(): void {
    const buf = this.x.memory.buffer;
    this.S = new Int32Array(buf, this.x.state(), 64);
    this.mem = Buffer.from(buf);
  }

  alloc(n: number): number {
    const p = this.x.alloc(n);
    if (p === 0) throw new Error('the split could not get WebAssembly memory');
    this.refresh();
    return p;
  }

  /** Room for `n` input bytes at inAt (the first `keep` bytes carried over). */
  ensureIn(n: number, keep: number): void {
    if (n <= this.inCap) return;
    const cap = Math.max(n, 2 * this.inCap);
    const at = this.alloc(cap + SLACK);
    this.mem.copy(this.mem, at, this.inAt, this.inAt + keep);
    this.inAt = at;
    this.inCap = cap;
  }

  ensureOut(n: number): void {
    if (n <= this.outCap) return;
    this.outAt = this.alloc(n + SLACK);
    this.outCap = n;
    this.S[ST_OUT] = this.outAt;
    this.S[ST_OUT_CAP] = n;
  }

  /** `n` bytes at scratchAt (kept for the next pass that uses the instance). */
  ensureScratch(n: number): number {
    if (n > this.scratchCap) {
      this.scratchAt = this.alloc(n);
      this.scratchCap = n;
    }
    return this.scratchAt;
  }

  /** Views of the per-row arrays pass 1 wrote (`d` for those the configuration leaves unwritten). */
  rows(n: number, d: WasmRows, facts: boolean, wantMl: boolean, keyed: boolean, timed: boolean): WasmRows {
    const b = this.x.memory.buffer;
    const S = this.S;
    const mode = S[ST_T_MODE];
    const ids = mode === T_DICT || mode === T_DICT8;
    const seconds = mode !== T_MS && !ids;
    const at = S[ST_R_TIME];
    let time: WasmRows['time'];
    if (!timed) time = d.time.subarray(0, n);
    else if (ids) time = mode === T_DICT ? new Uint16Array(b, at, n) : new Uint8Array(b, at, n);
    else time = seconds ? new Int32Array(b, at, n) : new Float64Array(b, at, n);
    return {
      ml: wantMl ? new Int8Array(b, S[ST_R_ML], n) : d.ml.subarray(0, n),
      label: keyed ? new Int32Array(b, S[ST_R_LAB], n) : d.label.subarray(0, n),
      time,
      timeBase: timed && seconds ? baseOf(S) : NaN,
      group: facts ? new Int32Array(b, S[ST_R_GID], n) : d.group.subarray(0, n),
      newRanks: facts ? new Uint32Array(b, S[ST_R_GNEW], S[ST_G_NEWN]) : d.newRanks,
      summary: { anyMl: S[ST_B_ML] !== 0, maxLabel: S[ST_B_MAX_LABEL], timed: S[ST_B_TIMED], timeMin: S[ST_B_TMIN], timeMax: S[ST_B_TMAX], idsCounted: ids },
    };
  }
}

// Instances are reused (each keeps a few MB of memory); one per concurrent pass.
const POOL_MAX_BYTES = 32 << 20;
const pool: SplitWasm[] = [];

function acquire(): SplitWasm {
  const w = pool.pop() ?? new SplitWasm();
  if (!w.x.prepare()) throw new Error('the split could not get WebAssembly memory');
  w.refresh();
  const S = w.S;
  for (let i = 0; i < 32; i++) S[i] = 0;
  return w;
}

function release(w: SplitWasm): void {
  // An instance that grew for a huge record keeps its memory for good: let it go instead.
  if (pool.length < 2 && w.x.memory.buffer.byteLength <= POOL_MAX_BYTES) pool.push(w);
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) {
    const e = new Error('split cancelled');
    e.name = 'AbortError';
    throw e;
  }
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Streams the source through `handle` in chunks read into the module's input area (inAt):
 * `handle(len, eof)` gets bytes [0, len) there and returns how many it consumed; the rest is
 * carried to the front for the next chunk.
 */
async function streamInto(w: SplitWasm, source: Source, handle: (len: number, eof: boolean) => number, opts: StreamOptions): Promise<void> {
  const chunk = opts.chunkSize ?? 1 << 20;
  const fd = 'path' in source ? openSync(source.path, 'r') : -1;
  const bytes = 'bytes' in source ? source.bytes : null;
  let bytesAt = 0;
  try {
    let tail = 0;
    let total = 0;
    let sinceYield = 0;
    for (;;) {
      checkAbort(opts.signal);
      w.ensureIn(tail + chunk, tail);
      let n: number;
      if (bytes) {
        n = bytes.copy(w.mem, w.inAt + tail, bytesAt, Math.min(bytesAt + chunk, bytes.length));
        bytesAt += n;
      } else n = readSync(fd, w.mem, w.inAt + tail, chunk, null);
      total += n;
      const eof = n === 0;
      const len = tail + n;
      const rest = handle(len, eof);
      tail = len - rest;
      if (tail > 0 && rest > 0) w.mem.copy(w.mem, w.inAt, w.inAt + rest, w.inAt + len);
      opts.onProgress?.(total);
      if (opts.afterChunk) await opts.afterChunk();
      else if ((sinceYield += n) >= 8 << 20 || eof) {
        // Reads are synchronous: let cancellation and progress events in now and then.
        sinceYield = 0;
        await yieldTurn();
      }
      if (eof) break;
    }
  } finally {
    if (fd >= 0) closeSync(fd);
  }
}

/** The base second of pass 1's times (two 32-bit halves in the state). */
function baseOf(S: Int32Array): number {
  return S[ST_T_BASE_HI] * 4294967296 + (S[ST_T_BASE_LO] >>> 0);
}

/** Rows whose facts are all the default, for the arrays pass 1 does not write. */
function defaultRows(): WasmRows {
  return {
    ml: new Int8Array(MAXROWS).fill(-1),
    label: new Int32Array(MAXROWS).fill(-1),
    time: new Float64Array(MAXROWS).fill(NaN),
    timeBase: NaN,
    group: new Int32Array(MAXROWS),
    newRanks: new Uint32Array(0),
    summary: { anyMl: false, maxLabel: -1, timed: 0 },
  };
}

/** Where pass 1 sends what it reads: as Pass1Sink in tabular.ts, with rows in bulk. */
export interface WasmPass1Sink {
  nonItem(): void;
  facts(f: RecordFacts): void;
  rows(n: number, rows: () => WasmRows): void;
}

/** Pass 1 of a tabular CSV through the module (same results as fastPass1 and `read`). */
export async function wasmPass1(source: Source, ad: TabularCsvAdapter, sink: WasmPass1Sink, collector: ItemCollector, opts: StreamOptions): Promise<void> {
  const w = acquire();
  let ready = false;
  const configure = (): void => {
    ready = true;
    const S = w.S;
    const wantMl = ad.splitAt >= 0 && !ad.opts.ignoreExisting;
    const last = Math.max(wantMl ? ad.splitAt : -1, ad.byAt, ad.timeAt);
    // Very wide needs: every row goes through `read` (correct, only slower).
    if (last >= MAXCOLS) return;
    const needs = ad.opts.needs;
    S[ST_WIDTH] = ad.width;
    S[ST_SPLIT_AT] = ad.splitAt;
    // No key column: a column no row reaches (a group split then keys every row by its index).
    S[ST_BY_AT] = ad.byAt >= 0 ? ad.byAt : 0x7fffffff;
    S[ST_TIME_AT] = ad.timeAt;
    S[ST_LAST] = last;
    S[ST_WANT_ML] = wantMl ? 1 : 0;
    S[ST_MODE] = needs.groups ? 2 : ad.byAt >= 0 && needs.labels ? 1 : 0;
    S[ST_GROUP_SEED] = collector.groupSeed | 0;
    S[ST_NEEDED] = ad.splitAt >= 0 ? ad.splitAt + 1 : ad.width;
    const words = ad.opts.splits.map((s) => Buffer.from(s, 'latin1'));
    S[ST_NWORDS] = Math.min(words.length, 4);
    for (let i = 0; i < S[ST_NWORDS]; i++) {
      w.mem.fill(0, S[ST_WORDS] + 32 * i, S[ST_WORDS] + 32 * i + 32);
      words[i].copy(w.mem, S[ST_WORDS] + 32 * i, 0, 32);
      S[ST_WORD_LEN0 + i] = words[i].length <= 32 ? words[i].length : -1;
    }
    noFacts = !wantMl && S[ST_MODE] === 0 && ad.timeAt < 0;
    S[ST_NO_FACTS] = noFacts ? 1 : 0;
    S[ST_HDR] = 1;
    if (S[ST_MODE] === 2) {
      // Rows get their group ids here; the rows JavaScript reads look theirs up in the same table.
      if (!w.x.groupInit()) throw new Error('the split could not get WebAssembly memory');
      w.fresh();
      collector.useGroupIds(new WasmGroupIds(w));
      grouped = true;
    }
    // After the rest: it may grow the memory (S above is then stale).
    if (ad.timeAt >= 0) {
      if (!w.x.timeDictInit()) throw new Error('the split could not get WebAssembly memory');
      w.fresh();
      dictSent = 0;
      dictReady = true;
    }
  };
  let noFacts = false;
  /** Entries of the collector's time dictionary the module has. */
  let dictSent = 0;
  /** The module keeps a time dictionary, and counts the rows it gives ids. */
  let dictReady = false;
  /** The instance keeps the collector's group ids: it stays the collector's (out of the pool). */
  let grouped = false;
  let defaults: WasmRows | null = null;
  const rowsView = (): WasmRows => {
    const n = w.S[ST_ROWS];
    const d = (defaults ??= defaultRows());
    const S = w.S;
    // Rows read for their field count only: every fact the default (see split.c).
    if (noFacts) return w.rows(n, d, false, false, false, false);
    return w.rows(n, d, true, S[ST_WANT_ML] !== 0, S[ST_MODE] !== 0, S[ST_TIME_AT] >= 0);
  };
  /** The collector's form of times (seconds after which base, or ms) for the next pass 1 call. */
  const syncTimes = (): void => {
    const S = w.S;
    // Many distinct times for the items (the module gives new seconds ids without asking): the
    // seconds form, as JavaScript would choose at its next new time.
    if (collector.timeDictCrowded) collector.leaveTimeDict();
    const mode = collector.timeMode;
    S[ST_T_MODE] = mode;
    const dict = mode === T_DICT || mode === T_DICT8;
    if (dict) {
      // Times JavaScript added to the dictionary (rows the module handed back) since the last call.
      const size = collector.timeDictSize;
      for (; dictSent < size; dictSent++) w.x.timeAdd(collector.timeDictSecond(dictSent), dictSent);
    }
    // (With dictionary ids, the module gives new seconds ids once the first time set the base.)
    const base = mode === 1 || (dict && collector.timeDictSize > 0) ? collector.timeBase : 0;
    const hi = Math.floor(base / 4294967296);
    S[ST_T_BASE_HI] = hi;
    S[ST_T_BASE_LO] = base - hi * 4294967296;
  };
  const handle = (len: number, eof: boolean): number => {
    let pos = 0;
    const view = (): Buffer => w.mem.subarray(w.inAt, w.inAt + len);
    for (;;) {
      if (!ready && ad.header) configure();
      if (ready && ad.timeAt >= 0) syncTimes();
      if (grouped) w.S[ST_G_BASE] = collector.itemCount;
      pos = w.x.pass1(w.inAt, pos, len, eof ? 1 : 0);
      w.fresh();
      const S = w.S;
      const status = S[ST_STATUS];
      if (status === NOMEM) throw new Error('the split could not get WebAssembly memory');
      if (dictReady && S[ST_T_NEWN] > 0) {
        // Seconds the module gave the next dictionary ids, in order: the collector's ids too.
        const fresh = new Float64Array(w.x.memory.buffer, S[ST_T_NEW], S[ST_T_NEWN]);
        for (const sec of fresh) collector.addTimeDictSecond(sec);
        dictSent += fresh.length;
        if (dictSent !== collector.timeDictSize) throw new Error('time dictionary out of step with pass 1');
      }
      const rows = S[ST_ROWS];
      if (rows > 0) {
        ad.record += rows;
        sink.rows(rows, rowsView);
      }
      if (status === SPECIAL) {
        const v = view();
        // Read before the record's facts go in: looking up its group may grow the memory (S is then stale).
        const reason = S[ST_REASON];
        const fs = S[ST_FS];
        const fe = S[ST_FE];
        pos = S[ST_END];
        const f = ad.read(v, S[ST_START], S[ST_CE]);
        if (typeof f === 'string') sink.nonItem();
        else sink.facts(f);
        if (reason === REASON_NEW_LABEL) w.x.addLabel(w.inAt, fs, fe, collector.labelId(v.toString('latin1', fs, fe)));
        continue;
      }
      if (status === FULL) continue;
      return pos;
    }
  };
  try {
    await streamInto(w, source, handle, opts);
    // The rows the module gave dictionary ids, per id.
    if (dictReady) collector.addTimeCounts(new Int32Array(w.x.memory.buffer, w.x.timeCounts(), Math.min(collector.timeDictSize, MAX_IDS)));
  } finally {
    if (!grouped) release(w);
  }
}

/** The module's group id table (split.c groupOf) as the collector's GroupIds. */
class WasmGroupIds implements GroupIds {
  constructor(private readonly w: SplitWasm) {}

  idOfHashes(aRaw: number, bRaw: number): number {
    const id = this.w.x.groupId(aRaw, bRaw);
    if (id < 0) throw new Error('the split could not get WebAssembly memory');
    this.w.fresh();
    return id;
  }

  get size(): number {
    return this.w.x.groupCount();
  }

  sizes(): Int32Array {
    const at = this.w.x.groupSizes();
    if (at === 0) throw new Error('the split could not get WebAssembly memory');
    return new Int32Array(this.w.x.memory.buffer, at, this.w.x.groupCount()).slice();
  }
}

/** Whether pass 2 can run through the module with these values (each short enough for its slot). */
export function wasmPass2Usable(values: readonly string[]): boolean {
  return values.length <= 256 && values.every((v) => Buffer.byteLength(v, 'utf8') <= 30);
}

/** The buckets of a streaming split (StreamingAssigner's arguments): the module draws them itself. */
export interface StreamingBuckets {
  seed: number;
  count: number;
  quotas: number[];
}

/** The buckets of a group split: item i's is bucket[group[i]] (items [0, count)); the module gathers them. */
export interface GroupCodes {
  group: Int32Array | Uint16Array;
  bucket: Uint8Array;
  count: number;
}

/**
 * Pass 2 of a tabular CSV into one output through the module (same bytes as fastPass2 and `write`):
 * `fill` gives the buckets of the next items in order (or the module draws them as
 * StreamingAssigner would, or gathers them through their groups), `values[b]` is bucket b's value.
 */
export async function wasmPass2(
  source: Source,
  ad: TabularCsvAdapter,
  nonItems: Int32Array,
  fill: ((out: Uint8Array) => number) | StreamingBuckets | GroupCodes,
  values: readonly string[],
  dest: Destination,
  opts: StreamOptions,
): Promise<void> {
  const w = acquire();
  const sink = dest.sink;
  const chunk = opts.chunkSize ?? 1 << 20;
  w.ensureOut(Math.max(2 << 20, 2 * chunk));
  const short = ad.shortRows.data;
  const shortLen = ad.shortRows.length;
  let nextShort = 0;
  let nextNon = 0;
  /** 0-based index of the next record. */
  let record = 0;
  let ready = false;
  const configure = (): void => {
    ready = true;
    const S = w.S;
    const append = ad.splitAt < 0;
    S[ST_APPEND] = append ? 1 : 0;
    S[ST_VALUE_AT] = ad.valueAt;
    if (!append && ad.valueAt >= MAXCOLS) ready = false;
    for (let b = 0; b < values.length; b++) {
      const bytes = Buffer.from((append ? ',' : '') + values[b], 'utf8');
      const at = S[ST_VALUES] + 32 * b;
      w.mem.fill(0, at, at + 32);
      w.mem[at] = bytes.length;
      bytes.copy(w.mem, at + 1);
    }
  };
  const codes = (): Uint8Array => w.mem.subarray(w.S[ST_CODES], w.S[ST_CODES] + CODES_CAP);
  let gather: (() => number) | null = null;
  if (typeof fill !== 'function' && 'group' in fill) {
    // The ids of the next items are copied in, the module reads their buckets through them.
    const { group, bucket, count } = fill;
    const width = group instanceof Int32Array ? 4 : 2;
    const idsAt = w.ensureScratch(width * CODES_CAP + bucket.length);
    const bucketAt = idsAt + width * CODES_CAP;
    w.mem.set(bucket, bucketAt);
    let item = 0;
    gather = () => {
      const n = Math.min(CODES_CAP, count - item);
      if (n <= 0) return 0;
      const b = w.x.memory.buffer;
      const ids = group.subarray(item, item + n);
      if (width === 4) {
        new Int32Array(b, idsAt, n).set(ids);
        w.x.gather32(idsAt, n, bucketAt, w.S[ST_CODES]);
      } else {
        new Uint16Array(b, idsAt, n).set(ids);
        w.x.gather16(idsAt, n, bucketAt, w.S[ST_CODES]);
      }
      item += n;
      return n;
    };
  } else if (typeof fill !== 'function') {
    const q = new Float64Array(w.x.memory.buffer, w.S[ST_CODES], fill.quotas.length);
    q.set(fill.quotas);
    w.x.assignInit(fill.seed >>> 0, fill.count, fill.quotas.length, w.S[ST_CODES]);
  }
  const refill = (): void => {
    const n = gather ? gather() : typeof fill === 'function' ? fill(codes()) : w.x.assignFill();
    if (n === 0) throw new SplitError('the file has more items than when the split was planned (did it change?); run the split again', 2);
    w.S[ST_CODE_AT] = 0;
    w.S[ST_CODE_LEN] = n;
  };
  const nextCode = (): number => {
    if (w.S[ST_CODE_AT] === w.S[ST_CODE_LEN]) refill();
    return w.mem[w.S[ST_CODES] + w.S[ST_CODE_AT]++];
  };
  const flushOut = (): void => {
    const used = w.S[ST_OUT_USED];
    if (used > 0) {
      if (dest.writeNow) dest.writeNow(w.mem, w.outAt, w.outAt + used);
      else sink.put(w.mem, w.outAt, w.outAt + used);
    }
    w.S[ST_OUT_USED] = 0;
  };
  const handle = (len: number, eof: boolean): number => {
    let pos = 0;
    const S = w.S;
    const view = w.mem.subarray(w.inAt, w.inAt + len);
    while (pos < len) {
      let limit = 0x7fffffff;
      if (nextNon < nonItems.length) limit = nonItems[nextNon] - record;
      if (nextShort < shortLen) limit = Math.min(limit, short[nextShort] - 1 - record);
      if (!ready || limit <= 0) {
        // Non-item and short records: the adapter's `write`.
        if (!w.x.frameAt(w.inAt, pos, len, eof ? 1 : 0)) break;
        const ce = S[ST_CE];
        const end = S[ST_END];
        flushOut();
        if (nextNon < nonItems.length && nonItems[nextNon] === record) {
          nextNon++;
          ad.write(view, pos, ce, end, null, sink);
        } else {
          if (nextShort < shortLen && short[nextShort] === record + 1) nextShort += 2;
          ad.write(view, pos, ce, end, values[nextCode()], sink);
        }
        record++;
        pos = end;
        if (!ready && ad.header) configure();
        continue;
      }
      if (S[ST_CODE_AT] === S[ST_CODE_LEN]) refill();
      pos = w.x.pass2(w.inAt, pos, len, eof ? 1 : 0, limit);
      const rows = S[ST_ROWS];
      ad.record += rows;
      record += rows;
      const status = S[ST_STATUS];
      if (status === SPECIAL) {
        const code = nextCode();
        flushOut();
        ad.write(view, S[ST_START], S[ST_CE], S[ST_END], values[code], sink);
        record++;
        pos = S[ST_END];
      } else if (status === FLUSH) flushOut();
      else if (status !== LIMIT && status !== CODES) break;
    }
    flushOut();
    return pos;
  };
  try {
    await streamInto(w, source, handle, opts);
  } finally {
    release(w);
  }
}


/**
 * stratifiedSingle's loops over every item in the module (split.c `labelCount`, `labelPlace`): a
 * fresh instance, whose memory goes with it afterwards. Item labels (and stored ranks) go through
 * in chunks of `chunk`, a buffer that stays in cache instead of a copy of them all.
 */
export function wasmStratifyKernel(chunk = 1 << 20): StratifyKernel {
  let x: (Exports & WasmBase) | null = null;
  // The label chunk (int16 or int32), the bucket chunk, the rank chunk, and one slot per label and the unlabeled.
  let labAt = 0;
  let bytesAt = 0;
  let slotsAt = 0;
  let chunkLen = chunk;
  /** Calls `step(m, from)` with items [from, from + m) of `lab` in the label chunk, chunk by chunk. */
  const chunks = (lab: Int16Array | Int32Array, step: (m: number, from: number) => void): void => {
    const b = x!.memory.buffer;
    const view = lab.BYTES_PER_ELEMENT === 4 ? new Int32Array(b, labAt, chunkLen) : new Int16Array(b, labAt, chunkLen);
    for (let from = 0; from < lab.length; from += chunkLen) {
      const m = Math.min(chunkLen, lab.length - from);
      view.set(lab.subarray(from, from + m));
      step(m, from);
    }
  };
  return {
    count(lab: Int16Array | Int32Array, L: number): Int32Array | null {
      const inst = (x = wasmInstance<Exports>('split', WASM_BASE64));
      chunkLen = Math.max(1, Math.min(chunk, lab.length));
      labAt = inst.alloc(4 * chunkLen);
      bytesAt = inst.alloc(chunkLen + 16);
      slotsAt = inst.alloc(4 * (L + 1) + 16);
      if (labAt === 0 || bytesAt === 0 || slotsAt === 0) return null;
      const wide = lab.BYTES_PER_ELEMENT === 4 ? 1 : 0;
      chunks(lab, (m) => inst.labelCount(labAt, wide, m, slotsAt));
      return new Int32Array(inst.memory.buffer, slotsAt, L + 1).slice();
    },
    place(lab: Int16Array | Int32Array, rank: Uint32Array | undefined, seed: number, q: Int32Array, left: Int32Array, buckets: number, out: Uint8Array): boolean {
      const inst = x;
      if (!inst || lab.length >= 2 ** 32) return false;
      const qAt = inst.alloc(4 * q.length + 16);
      const rankAt = rank ? inst.alloc(4 * chunkLen) : 0;
      if (qAt === 0 || (rank && rankAt === 0)) return false;
      const b = inst.memory.buffer;
      const qv = new Int32Array(b, qAt, q.length);
      qv.set(q);
      const leftv = new Int32Array(b, slotsAt, left.length);
      leftv.set(left);
      const ranks = rank ? new Uint32Array(b, rankAt, chunkLen) : undefined;
      const bytes = new Uint8Array(b, bytesAt, chunkLen);
      const wide = lab.BYTES_PER_ELEMENT === 4 ? 1 : 0;
      const seedMix = Math.imul(seed >>> 0, 0x9e3779b1);
      chunks(lab, (m, from) => {
        if (ranks) ranks.set(rank!.subarray(from, from + m));
        inst.labelPlace(labAt, wide, m, from, seedMix, rankAt, qAt, slotsAt, buckets, bytesAt);
        out.set(bytes.subarray(0, m), from);
      });
      q.set(qv);
      left.set(leftv);
      return true;
    },
  };
}

/**
 * temporalSplit's placing of tied items in the module (split.c `placeTied`): a fresh instance,
 * with room for the largest group so far (21 bytes per item); null past what its memory holds.
 */
export function wasmTieKernel(): TieKernel {
  let x: (Exports & WasmBase) | null = null;
  let cap = -1;
  let qCap = -1;
  let at: number[] = [];
  return {
    place(group: Int32Array, seed: number, qs: readonly number[], s0: number): Uint8Array | null {
      const m = group.length;
      const inst = (x ??= wasmInstance<Exports>('split', WASM_BASE64));
      if (m > cap || qs.length > qCap) {
        // Beyond what the module's memory holds: the JavaScript loops instead.
        if (21 * m > 2 ** 31) return null;
        // idx, keys, tmp, res, qs.
        at = [4 * m, 8 * m, 8 * m, m, 4 * qs.length].map((size) => inst.alloc(Math.max(size, 8)));
        if (at.some((p) => p === 0)) {
          cap = -1;
          return null;
        }
        cap = m;
        qCap = qs.length;
      }
      const b = inst.memory.buffer;
      new Int32Array(b, at[0], m).set(group);
      new Int32Array(b, at[4], qs.length).set(qs);
      inst.placeTied(at[0], m, Math.imul(seed >>> 0, 0x9e3779b1), at[1], at[2], at[4], qs.length, s0, at[3]);
      return new Uint8Array(inst.memory.buffer, at[3], m);
    },
  };
}

/**
 * groupBuckets' ordering and placing of the groups in the module (split.c `groupPlace`): a fresh
 * instance, 25 bytes per group; null past what its memory holds.
 */
export function wasmGroupKernel(): GroupKernel {
  return {
    place(rank: Uint32Array, size: Int32Array, target: readonly number[]): { bucket: Uint8Array; have: Float64Array } | null {
      const G = rank.length;
      const B = target.length;
      if (25 * G + 16 * B > 2 ** 31 || B > 255) return null;
      const inst = wasmInstance<Exports>('split', WASM_BASE64);
      // rank, size, target, have, k1, i1, k2, i2, out.
      const at = [4 * G, 4 * G, 8 * B, 8 * B, 4 * G, 4 * G, 4 * G, 4 * G, G].map((bytes) => inst.alloc(Math.max(bytes, 8)));
      if (at.some((p) => p === 0)) return null;
      const b = inst.memory.buffer;
      new Uint32Array(b, at[0], G).set(rank);
      new Int32Array(b, at[1], G).set(size);
      new Float64Array(b, at[2], B).set(target);
      new Float64Array(b, at[3], B).fill(0);
      inst.groupPlace(at[0], at[1], G, at[2], at[3], B, at[4], at[5], at[6], at[7], at[8]);
      return { bucket: new Uint8Array(b, at[8], G), have: new Float64Array(b, at[3], B) };
    },
  };
}
