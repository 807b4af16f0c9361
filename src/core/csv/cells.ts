/**
 * Cells of one CSV line and what each holds in Vertex's positional import layouts
 * (`[ML_USE,]GCS_URI,LABEL,...`), for completion and hover in the editor. One line only: quoted
 * fields with embedded line breaks are cut at the line end, which is fine for cursor context.
 */
import type { FormatId } from '../formats';

export interface CsvCell {
  index: number;
  /** Offsets in the line of the cell's content (inside the quotes when quoted). */
  start: number;
  end: number;
  value: string;
}

export type CsvCellRole = 'mlUse' | 'uri' | 'label' | 'other';

export function cellsOfLine(line: string): CsvCell[] {
  const cells: CsvCell[] = [];
  let i = 0;
  for (;;) {
    const index = cells.length;
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      while (j < line.length) {
        if (line[j] === '"') {
          if (line[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          break;
        }
        value += line[j++];
      }
      cells.push({ index, start: i + 1, end: j, value });
      i = line.indexOf(',', j);
    } else {
      const comma = line.indexOf(',', i);
      const end = comma < 0 ? line.length : comma;
      cells.push({ index, start: i, end, value: line.slice(i, end) });
      i = comma;
    }
    if (i < 0) return cells;
    i++;
  }
}

/** The role of cell `index` in a row of a positional (non-tabular) CSV import layout. */
export function csvCellRole(format: FormatId, cells: readonly CsvCell[], index: number): CsvCellRole {
  if (format === 'tabular' || format === 'custom') return 'other';
  let uri = cells.findIndex((c) => c.value.trim().startsWith('gs://'));
  // Inline text or a URI not typed yet: a first cell that is not the media is the split.
  if (uri < 0) uri = cells.length > 1 && !format.startsWith('text-') ? 1 : index === 0 && cells.length === 1 ? 1 : 0;
  if (index === uri) return 'uri';
  if (index === uri - 1 && uri === 1) return 'mlUse';
  if (index === uri + 1) return 'label';
  return 'other';
}
