import type { Diagnostic } from './diagnostics';
import type { FormatId } from './formats';
import type { CsvRowSinks, ItemFacts } from './items';
import type { ValidationHints } from './validationHints';

/** How the format of a file was decided. */
export interface Detection {
  /** `explicit`: the caller named it; `certain`: content matched one format; `ambiguous`: several fit. */
  confidence: 'explicit' | 'certain' | 'ambiguous' | 'none';
  format?: FormatId;
  candidates: FormatId[];
  reason: string;
}

/**
 * Receives a file's diagnostics as they are found instead of the result holding them (the CLI
 * spools millions of findings to disk). `clear` drops what was pushed: the result replaced them.
 */
export interface DiagnosticStore {
  push(d: Diagnostic): void;
  clear(): void;
}

export interface ValidationOptions {
  /** Explicit format; when absent the format is detected from the content. */
  format?: FormatId;
  /** A user JSON Schema (format `custom`). */
  customSchema?: object;
  /** Receives the normalized facts of every item that parsed, in file order. */
  onItem?: (item: ItemFacts) => void;
  /**
   * Without `onItem`: asked once the format is known (given or detected), before the first item, for
   * the consumer of that format's item facts (undefined: none). A caller that cannot know the format
   * up front (a CSV file, an ambiguous JSONL file) still gets every item in the same pass. The
   * ranges of `validate --jobs` do not ask.
   */
  itemsFor?: (format: FormatId) => ((item: ItemFacts) => void) | undefined;
  /**
   * CSV files with an item consumer (`onItem`, or the one `itemsFor` gave): asked once the format
   * is known, after `itemsFor`, for where the rows of single-label classification and bounding-box
   * layouts go instead of that consumer, without ItemFacts objects (the same facts, see
   * `CsvRowSinks`); undefined: they go to the consumer.
   */
  rowSinksFor?: (format: FormatId) => CsvRowSinks | undefined;
  /** Stop collecting diagnostics after this many (a final info diagnostic says how many were left out). */
  maxDiagnostics?: number;
  /**
   * JSONL files and single CSV files: diagnostics go here as they are found, and the result lists
   * only the rest (JSONL: those that replaced them, such as file.empty; CSV: the truncation note).
   * Text buffers and multi-file tabular sources ignore it and return all in the result.
   */
  diagnosticStore?: DiagnosticStore;
  /** Only report diagnostics on lines >= this (1-based): incremental revalidation in the editor. */
  fromLine?: number;
  /**
   * Text (JSONL or CSV, not files, whose bytes are read): the text was decoded from valid UTF-8
   * (the file's bytes were checked), so a U+FFFD in it is a character of the file, as reading the
   * bytes finds, not a decoding failure.
   */
  textIsUtf8?: boolean;
  /**
   * CSV text only (an editor's buffer that is its file): the file's first byte that is not UTF-8
   * was decoded as the U+FFFD at offset `at` of the text. It is reported as reading the bytes
   * reports it; other U+FFFD are characters.
   */
  invalidUtf8?: { at: number; byte: number };
  // CSV only (tabular sources).
  /** Tabular target column (`--target`). */
  target?: string;
  /** Tabular weight column (`--weight`), numeric 0-10,000. */
  weight?: string;
  /** Predefined split column (`--split-column`); defaults to `ml_use` when the header has one. */
  splitColumn?: string;
  /** Tabular objective (`--objective`); forecasting changes the column limits and needs time and series columns. */
  objective?: 'classification' | 'regression' | 'forecasting';
  /** Forecasting time column (`--time-column`). */
  timeColumn?: string;
  /** Forecasting time series identifier column (`--series-column`). */
  seriesColumn?: string;
  /** Timestamp split column (`--timestamp-split-column`): RFC 3339 date-times with `Z`. */
  timestampSplitColumn?: string;
  /** Tabular findings that only block training (too few rows) are errors, not warnings (`--strict`). */
  strict?: boolean;
  /**
   * The tabular options above apply only when the content is tabular (explicit format, or detected):
   * they do not by themselves make a CSV tabular. For settings that cover a whole folder.
   */
  tabularIfDetected?: boolean;
  /** Longest CSV field kept, in UTF-16 code units (longer fields are reported and truncated). */
  maxFieldChars?: number;
  /** What advice in messages names (default: the command line's options; the editor passes its own). */
  hints?: ValidationHints;
}

export interface ValidationResult {
  format?: FormatId;
  detection: Detection;
  /** Data items (non-blank lines or CSV records). */
  items: number;
  /** Number of lines in the input. */
  lines: number;
  diagnostics: Diagnostic[];
  /** Problems over `maxDiagnostics`, counted by severity but not listed (absent when none were). */
  unlisted?: UnlistedCounts;
}

/** Problems found but not listed (over the caller's limit), by severity. */
export interface UnlistedCounts {
  errors: number;
  warnings: number;
}
