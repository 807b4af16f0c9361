/**
 * Cells of one CSV record (from its first line up to the cursor's line: a quoted field may hold
 * line breaks) and what each holds in Vertex's positional import layouts
 * (`[ML_USE,]GCS_URI,LABEL,...`), for completion and hover in the editor.
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

/** As the CSV validator reads a first column of inline-text rows. */
const ML_USE_WORD = /^(training|validation|test|train|validate|unassigned)$/i;

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

/**
 * Where the quoted field holding offset `target` of `text` opens, or -1 when `target` is outside
 * every quoted field. Read as the validator's CSV reader reads: a quote opens a field only at the
 * field's start (a quote elsewhere is a literal character), `""` inside is an escaped quote, and a
 * field still open at the end of `text` holds everything after it.
 */
export function quotedFieldOpenAt(text: string, target: number): number {
  let i = 0;
  for (;;) {
    const q = text.indexOf('"', i);
    if (q < 0 || q >= target) return -1;
    const before = q === 0 ? 10 : text.charCodeAt(q - 1);
    if (before !== 44 && before !== 10 && before !== 13) {
      i = q + 1;
      continue;
    }
    let j = q + 1;
    for (;;) {
      const c = text.indexOf('"', j);
      if (c < 0 || c >= target) return q;
      if (text.charCodeAt(c + 1) === 34) {
        j = c + 2;
        continue;
      }
      i = c + 1;
      break;
    }
  }
}

/** The role of cell `index` in a row of a positional (non-tabular) CSV import layout. */
export function csvCellRole(format: FormatId, cells: readonly CsvCell[], index: number): CsvCellRole {
  if (format === 'tabular' || format === 'custom') return 'other';
  let uri = cells.findIndex((c) => c.value.trim().startsWith('gs://'));
  if (uri < 0 && format.startsWith('text-') && cells.length > 1) {
    // Inline text: after an ml_use column only in a row long enough to hold one, as the validator reads it.
    const withMlUse = format === 'text-sentiment' ? 4 : 3;
    const first = cells[0].value.trim();
    uri = (ML_USE_WORD.test(first) && cells.length >= withMlUse) || (first === '' && cells.length >= withMlUse - 1) ? 1 : 0;
  }
  // A URI not typed yet: a first cell that is not the media is the split.
  if (uri < 0) uri = cells.length > 1 && !format.startsWith('text-') ? 1 : index === 0 && cells.length === 1 ? 1 : 0;
  if (index === uri) return 'uri';
  if (index === uri - 1 && uri === 1) return 'mlUse';
  if (index === uri + 1) return 'label';
  // Multi-label rows: every column after the path is a label.
  if (index > uri && format.endsWith('multi-label')) return 'label';
  return 'other';
}
