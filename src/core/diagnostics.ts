/**
 * The diagnostics contract shared by every surface (CLI, editor, CI output).
 *
 * Lines and columns are 1-based. Columns count UTF-16 code units (as VS Code and SARIF's
 * default `utf16CodeUnits` do). `endColumn` is exclusive: the column just after the last
 * character of the range, so a one-character range at column 5 has endColumn 6.
 */
export type Severity = 'error' | 'warning' | 'info';

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface RelatedLocation extends Range {
  /** File path when the related location is in another file of the same dataset. */
  path?: string;
  message: string;
}

export interface Diagnostic extends Range {
  severity: Severity;
  /** Stable dotted code, e.g. `mlUse.invalid`. Quick fixes match on it, never on the message. */
  code: string;
  message: string;
  related?: RelatedLocation[];
  /** Machine-readable details a quick fix needs (suggested key, replacement value...). */
  data?: DiagnosticData;
}

export interface DiagnosticData {
  /** A replacement for the text in the range, when the fix is a plain substitution. */
  replacement?: string;
  /** JSON path (keys and indexes) of the node the diagnostic is about. */
  path?: (string | number)[];
  [key: string]: unknown;
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return a.line - b.line || a.column - b.column || a.endLine - b.endLine || a.endColumn - b.endColumn ||
    (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);
}

/** A finding about the whole file, on its first character. */
export function fileDiagnostic(severity: Severity, code: string, message: string): Diagnostic {
  return { line: 1, column: 1, endLine: 1, endColumn: 2, severity, code, message };
}

export function lineRange(line: number, text: string): Range {
  return { line, column: 1, endLine: line, endColumn: Math.max(2, text.length + 1) };
}

/**
 * Whether a finding's range holds the position on 1-based `line` at 1-based `column` (for hover).
 * A range may span lines (a quoted CSV cell holding line breaks); an empty one holds its column.
 */
export function rangeHolds(r: Range, line: number, column: number): boolean {
  const end = r.endLine === r.line ? Math.max(r.endColumn, r.column + 1) : r.endColumn;
  if (line < r.line || line > r.endLine) return false;
  if (line === r.line && column < r.column) return false;
  return line < r.endLine || column < end;
}

export interface Counts {
  errors: number;
  warnings: number;
  infos: number;
}

/** Counts by severity; `unlisted` adds the problems a validator counted over its limit but did not list. */
export function countSeverities(diagnostics: readonly Diagnostic[], unlisted?: { errors: number; warnings: number }): Counts {
  const counts: Counts = { errors: unlisted?.errors ?? 0, warnings: unlisted?.warnings ?? 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}
