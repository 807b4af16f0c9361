import type { Diagnostic } from './diagnostics';
import type { FormatId } from './formats';
import type { ItemFacts } from './items';

/** How the format of a file was decided. */
export interface Detection {
  /** `explicit`: the caller named it; `certain`: content matched one format; `ambiguous`: several fit. */
  confidence: 'explicit' | 'certain' | 'ambiguous' | 'none';
  format?: FormatId;
  candidates: FormatId[];
  reason: string;
}

export interface ValidationOptions {
  /** Explicit format; when absent the format is detected from the content. */
  format?: FormatId;
  /** A user JSON Schema (format `custom`). */
  customSchema?: object;
  /** Receives the normalized facts of every item that parsed, in file order. */
  onItem?: (item: ItemFacts) => void;
  /** Stop collecting diagnostics after this many (a final info diagnostic says how many were left out). */
  maxDiagnostics?: number;
  /** Only report diagnostics on lines >= this (1-based): incremental revalidation in the editor. */
  fromLine?: number;
}

export interface ValidationResult {
  format?: FormatId;
  detection: Detection;
  /** Data items (non-blank lines or CSV records). */
  items: number;
  /** Number of lines in the input. */
  lines: number;
  diagnostics: Diagnostic[];
}
