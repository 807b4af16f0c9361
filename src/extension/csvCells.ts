/**
 * The CSV cells around a position, for completion and hover. A quoted field may hold line breaks,
 * so the row a line belongs to can start lines earlier: with well-formed quoting a line starts
 * inside a quoted field exactly when an odd number of `"` come before it in the file.
 */
import * as vscode from 'vscode';
import { cellsOfLine, type CsvCell } from '../core/csv/cells';

function quoteCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('"'); i >= 0; i = text.indexOf('"', i + 1)) n++;
  return n;
}

/** The line the CSV record holding `line` starts on. */
export function csvRecordStart(doc: vscode.TextDocument, line: number): number {
  let odd = quoteCount(doc.getText(new vscode.Range(0, 0, line, 0))) % 2 === 1;
  let start = line;
  while (odd && start > 0) {
    start--;
    if (quoteCount(doc.lineAt(start).text) % 2 === 1) odd = !odd;
  }
  return start;
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
