/**
 * The CSV cells around a position, for completion and hover. A quoted field may hold line breaks,
 * so the record a line belongs to can start lines earlier.
 */
import * as vscode from 'vscode';
import { cellsOfLine, quotedFieldOpenAt, type CsvCell } from '../core/csv/cells';

/**
 * Above this many characters before the line, each line is read on its own: finding the record
 * start reads the whole text before it, too slow to redo on every completion in a huge document.
 */
const MAX_SCAN_CHARS = 4_000_000;

/** The line the CSV record holding `line` starts on. */
export function csvRecordStart(doc: vscode.TextDocument, line: number): number {
  if (line === 0 || doc.offsetAt(new vscode.Position(line, 0)) > MAX_SCAN_CHARS) return line;
  const before = doc.getText(new vscode.Range(0, 0, line, 0));
  let start = line;
  // A line that starts outside quoted fields starts a record; inside one, the record is the one
  // where that field opened (which may itself continue an earlier field).
  for (;;) {
    const open = quotedFieldOpenAt(before, doc.offsetAt(new vscode.Position(start, 0)));
    if (open < 0) return start;
    const openLine = doc.positionAt(open).line;
    if (openLine >= start) return start;
    start = openLine;
  }
}

export interface CellsAt {
  cells: CsvCell[];
  /** The cell under the position (its offsets are within the record's text from its first line). */
  cell: CsvCell;
  /** The document range of a cell's content. */
  range(cell: CsvCell): vscode.Range;
}

/** The cells of the record holding `pos`, up to the end of its line, and the cell under `pos`. */
export function csvCellsAt(doc: vscode.TextDocument, pos: vscode.Position, inside: (cell: CsvCell, offset: number) => boolean): CellsAt | undefined {
  const startLine = csvRecordStart(doc, pos.line);
  const base = doc.offsetAt(new vscode.Position(startLine, 0));
  const text = doc.getText(new vscode.Range(startLine, 0, pos.line, doc.lineAt(pos.line).text.length));
  const cells = cellsOfLine(text);
  const offset = doc.offsetAt(pos) - base;
  const cell = cells.find((c) => inside(c, offset));
  if (!cell) return undefined;
  return { cells, cell, range: (c) => new vscode.Range(doc.positionAt(base + c.start), doc.positionAt(base + c.end)) };
}
