/**
 * The tabular fast path on bytes: a WebAssembly scanner (src/core/wasm/csvscan.c) takes the
 * one-line records of ASCII chunks straight from the file's bytes and records them in the
 * profile, whose per-column arrays and tables of distinct values it shares (they are moved into
 * its memory). It takes only lines that `TabularChecker.fastLine` would take without a finding,
 * and records exactly what that would record; at any other line it stops and the reader takes
 * the line as text (see `readCsvFile`). `VERTEX_DATASETS_CSV_WASM=0` turns it off.
 */
import { wasmInstance } from '../wasm/load';
import { WASM_BASE64 } from '../wasm/csvscan.wasm';
import { maxTableInts, type ProfileMemory } from './profile';
import type { TabularChecker } from './tabular';

interface CsvScanExports {
  configure(
    n: number, maxLine: number, mode: number, table: number, mask: number, count: number, nulls: number, min: number, max: number,
    lengthSum: number, maxLength: number, allBoolean: number, allTimestamp: number, sawTimestamp: number, role: number, passed: number,
  ): void;
  scan(buffer: number, from: number, to: number): number;
  out(): number;
}

/** Most columns the scanner handles (wider sources take the text path). */
const MAX_COLUMNS = 1024;
/** Longest unfinished line kept in the scanner's buffer between chunks (longer ones go to the reader as text). */
export const BYTE_TAIL_MAX = 1 << 20;

const ROLE_CODES = { nonEmpty: 1, numeric: 2, weight: 3, passed: 4 } as const;

let enabled = process.env.VERTEX_DATASETS_CSV_WASM !== '0';
/** Turns the byte scanner on or off for validations started afterwards (tests compare both paths). */
export function setByteScan(on: boolean): void {
  enabled = on;
}

/** Lines taken by byte scanners in this process (tests check that the byte path really ran). */
export const byteScanStats = { lines: 0 };

/** A scanner over one reader's chunks, for `readCsvFile`. */
export interface ByteScanner {
  /** The input area: chunks are copied here (at most `BYTE_TAIL_MAX` + chunk size bytes). */
  readonly area: Uint8Array;
  /** False once the scanner may no longer record lines (the profile was merged). */
  readonly active: boolean;
  /**
   * Takes lines of area[from, to) from `from` on while it can. Returns 0 when no whole line is
   * left (`stop`: where the unfinished line starts), 1 when the line at `stop` (its LF at
   * `lineEnd`) is for the text path. `taken`: lines taken, already counted as rows.
   */
  scan(from: number, to: number): number;
  stop: number;
  lineEnd: number;
  taken: number;
  /** Told how many rows each scan took (the reader's validation counts them as items). */
  onTaken: (rows: number) => void;
}

/** One scanner per tabular checker: the files of a multi-file source are read one after another through it. */
const scanners = new WeakMap<TabularChecker, ByteScanner | null>();

/** The scanner of the tabular checker's profile (see `createByteScanner`), made on first use. */
export function byteScannerFor(tabular: TabularChecker, chunkBytes: number, maxLine: number): ByteScanner | undefined {
  let scanner = scanners.get(tabular);
  if (scanner === undefined) {
    scanner = createByteScanner(tabular, chunkBytes, maxLine) ?? null;
    scanners.set(tabular, scanner);
  }
  return scanner ?? undefined;
}

/**
 * A scanner for the tabular checker's profile, or undefined when the byte path cannot be used
 * (turned off, too many columns, a column with two value checks, lines that need the checker).
 */
function createByteScanner(tabular: TabularChecker, chunkBytes: number, maxLine: number): ByteScanner | undefined {
  if (!enabled) return undefined;
  const plan = tabular.scanPlan();
  if (!plan) return undefined;
  const { profiler, roles } = plan;
  const n = profiler.columns;
  if (n === 0 || n > MAX_COLUMNS || profiler.sharesMemory) return undefined;
  const roleColumns = new Set(roles.map((r) => r.role.index));
  if (roleColumns.size !== roles.length) return undefined;
  const cap = profiler.distinctLimit;
  const tableInts = maxTableInts(cap);

  const wasm = wasmInstance<CsvScanExports>('csvscan', WASM_BASE64);
  let top = (wasm.__heap_base.value + 15) & ~15;
  const take = (bytes: number): number => {
    const at = top;
    top = (top + bytes + 15) & ~15;
    return at;
  };
  const areaBytes = BYTE_TAIL_MAX + chunkBytes;
  const at = {
    area: take(areaBytes),
    count: take(n * 8),
    nulls: take(n * 8),
    min: take(n * 8),
    max: take(n * 8),
    lengthSum: take(n * 8),
    maxLength: take(n * 8),
    table: take(n * 4),
    mask: take(n * 4),
    passed: take(n * 4),
    allNumber: take(n),
    allBoolean: take(n),
    allTimestamp: take(n),
    sawTimestamp: take(n),
    modes: take(n),
    role: take(n),
    passedFlags: take(roles.length * cap),
    tables: take(n * tableInts * 4),
  };
  const have = wasm.memory.buffer.byteLength;
  if (top > have) wasm.memory.grow(Math.ceil((top - have) / 65536));
  // No growth from here on: the views below stay valid.
  const buffer = wasm.memory.buffer;
  const f64 = (ptr: number) => new Float64Array(buffer, ptr, n);
  const u8 = (ptr: number) => new Uint8Array(buffer, ptr, n);
  const memory: ProfileMemory = {
    count: f64(at.count),
    nulls: f64(at.nulls),
    min: f64(at.min),
    max: f64(at.max),
    lengthSum: f64(at.lengthSum),
    maxLength: f64(at.maxLength),
    allNumber: u8(at.allNumber),
    allBoolean: u8(at.allBoolean),
    allTimestamp: u8(at.allTimestamp),
    sawTimestamp: u8(at.sawTimestamp),
    modes: u8(at.modes),
    tables: Array.from({ length: n }, (_, i) => new Int32Array(buffer, at.tables + i * tableInts * 4, tableInts)),
    masks: new Int32Array(buffer, at.mask, n),
  };
  const tablePtrs = new Int32Array(buffer, at.table, n);
  for (let i = 0; i < n; i++) tablePtrs[i] = at.tables + i * tableInts * 4;
  const roleCodes = u8(at.role);
  const passedPtrs = new Int32Array(buffer, at.passed, n);
  roles.forEach(({ role, check }, r) => {
    const ptr = at.passedFlags + r * cap;
    const flags = new Uint8Array(buffer, ptr, cap);
    flags.set(role.passed.subarray(0, cap));
    role.passed = flags;
    roleCodes[role.index] = ROLE_CODES[check];
    passedPtrs[role.index] = ptr;
  });
  profiler.moveTo(memory);
  wasm.configure(
    n, maxLine, at.modes, at.table, at.mask, at.count, at.nulls, at.min, at.max, at.lengthSum, at.maxLength,
    at.allBoolean, at.allTimestamp, at.sawTimestamp, at.role, at.passed,
  );
  const out = new Int32Array(buffer, wasm.out(), 3);
  const area = new Uint8Array(buffer, at.area, areaBytes);
  const scanner: ByteScanner = {
    area,
    get active() {
      return profiler.sharesMemory;
    },
    scan(from: number, to: number): number {
      const status = wasm.scan(at.area, from, to);
      scanner.stop = out[0];
      scanner.lineEnd = out[1];
      const taken = (scanner.taken = out[2]);
      if (taken > 0) {
        byteScanStats.lines += taken;
        tabular.addScannedRows(taken);
        scanner.onTaken(taken);
      }
      return status;
    },
    stop: 0,
    lineEnd: -1,
    taken: 0,
    onTaken: () => undefined,
  };
  return scanner;
}
