/**
 * Cells of one CSV record (from its first line up to the cursor's line: a quoted field may hold
 * line breaks) and what each holds in Vertex's positional import layouts
 * (`[ML_USE,]GCS_URI,LABEL,...`), for completion and hover in the editor.
 */
import { FORMATS, type FormatId } from '../formats';
import type { TabularSummary } from './tabular';

export interface CsvCell {
  index: number;
  /** Offsets in the line of the cell's content (inside the quotes when quoted). */
  start: number;
  end: number;
  value: string;
  /** Set on a quoted cell: its field starts one character before `start`, at the opening quote. */
  quoted?: true;
}

/**
 * True when `offset` is on the cell's field as the user sees it: its content, the quotes of a
 * quoted cell (content offsets leave them out), or the place of an empty cell.
 */
export function onCellField(cell: CsvCell, offset: number): boolean {
  return cell.quoted ? offset >= cell.start - 1 && offset <= cell.end : offset >= cell.start && offset < Math.max(cell.end, cell.start + 1);
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
      cells.push({ index, start: i + 1, end: j, value, quoted: true });
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

/** A column of a positional CSV import layout: its role, its name in the layout and what it holds. */
export interface CsvColumn {
  role: CsvCellRole;
  /** The column's name in the format's layout (`X_MIN`, `SEGMENT_START`...), when it has one. */
  name?: string;
  /** Tabular: the column's name in the file's header (the file's own text). */
  header?: string;
  /** What the column holds, as plain text for hover. */
  description?: string;
}

type Column = Omit<CsvColumn, 'role'> & { role?: CsvCellRole };

const LABEL: CsvColumn = { role: 'label', name: 'LABEL', description: 'Label of the item: starts with a letter and uses letters, digits and underscores.' };
const MULTI_LABEL: CsvColumn = { role: 'label', name: 'LABEL', description: 'Label of the item (in a multi-label row every column after the path is a label): starts with a letter and uses letters, digits and underscores.' };
const coord = (name: string, what: string): Column => ({ name, description: `${what}, relative to the image ${name.startsWith('X') ? 'width' : 'height'} (0 to 1).` });
/** The 8 columns of a box as vertices A (top-left), B (top-right), C (bottom-right), D (bottom-left). */
const VERTICES: Column[] = [
  coord('X_MIN', 'Left edge of the box (vertex A, top-left)'),
  coord('Y_MIN', 'Top edge of the box (vertex A, top-left)'),
  coord('X_MAX', 'Vertex B (top-right), x; empty in the two-vertex form X_MIN,Y_MIN,,,X_MAX,Y_MAX,,'),
  coord('Y_MIN', 'Vertex B (top-right), y; empty in the two-vertex form'),
  coord('X_MAX', 'Right edge of the box (vertex C, bottom-right)'),
  coord('Y_MAX', 'Bottom edge of the box (vertex C, bottom-right)'),
  coord('X_MIN', 'Vertex D (bottom-left), x; empty in the two-vertex form'),
  coord('Y_MAX', 'Vertex D (bottom-left), y; empty in the two-vertex form'),
];
const TRACKED_BOX: Column[] = [coord('X_MIN', 'Left edge of the box'), coord('Y_MIN', 'Top edge of the box'), coord('X_MAX', 'Right edge of the box'), coord('Y_MAX', 'Bottom edge of the box')];

/** The columns after the media column, as the CSV validator reads them (src/core/csv/layouts.ts). */
function columnsAfterMedia(format: FormatId, after: number): Column[] {
  switch (format) {
    case 'image-classification-single-label':
    case 'text-classification-single-label':
      return [LABEL];
    case 'image-bounding-box':
      return [{ ...LABEL, description: 'Label of the box: starts with a letter and uses letters, digits and underscores.' }, ...VERTICES];
    case 'text-sentiment':
      // Sentiment values already used are offered like labels.
      return [
        { role: 'label', name: 'SENTIMENT', description: 'Sentiment of the document: a whole number from 0 to SENTIMENT_MAX.' },
        { name: 'SENTIMENT_MAX', description: 'The largest sentiment of the scale (1 to 10), the same on every row.' },
      ];
    case 'video-classification':
      return [
        { ...LABEL, description: 'Label of the video segment: starts with a letter and uses letters, digits and underscores.' },
        { name: 'START_SECONDS', description: 'Start of the labeled segment, in seconds from the start of the video (like 1.5).' },
        { name: 'END_SECONDS', description: 'End of the labeled segment, in seconds, or inf for the end of the video.' },
      ];
    case 'video-action-recognition':
      return [
        { name: 'SEGMENT_START', description: 'Start of the time segment whose actions are all annotated, in seconds (empty: 0).' },
        { name: 'SEGMENT_END', description: 'End of the time segment whose actions are all annotated, in seconds, or inf (empty: the end of the video).' },
        { ...LABEL, description: 'Label of the action: starts with a letter and uses letters, digits and underscores.' },
        { name: 'TIME_SECONDS', description: 'Time of the action, in seconds: its key frame, or its start when an end time follows.' },
        { name: 'END_SECONDS', description: 'End of the action, in seconds, or inf (optional: without it the action is a key frame).' },
      ];
    case 'video-object-tracking':
      return [
        { ...LABEL, description: 'Label of the tracked object: starts with a letter and uses letters, digits and underscores.' },
        { name: 'INSTANCE_ID', description: 'Instance id: a positive whole number naming the same object across frames (may be empty).' },
        { name: 'TIME_SECONDS', description: 'Time of the frame, in seconds from the start of the video.' },
        // The legacy 8-column vertex form has 11 columns after the path.
        ...(after === 11 ? VERTICES : TRACKED_BOX),
      ];
    default:
      return [];
  }
}

/** The role of cell `index` in a row of a positional (non-tabular) CSV import layout. */
export function csvCellRole(format: FormatId, cells: readonly CsvCell[], index: number): CsvCellRole {
  return csvColumnAt(format, cells, index).role;
}

/** The column of cell `index` in a row of a positional (non-tabular) CSV import layout. */
export function csvColumnAt(format: FormatId, cells: readonly CsvCell[], index: number): CsvColumn {
  if (format === 'tabular' || format === 'custom') return { role: 'other' };
  let uri = cells.findIndex((c) => c.value.trim().startsWith('gs://'));
  const text = format.startsWith('text-');
  if (uri < 0 && text && cells.length > 1) {
    // Inline text: after an ml_use column only in a row long enough to hold one, as the validator reads it.
    const withMlUse = format === 'text-sentiment' ? 4 : 3;
    const first = cells[0].value.trim();
    uri = (ML_USE_WORD.test(first) && cells.length >= withMlUse) || (first === '' && cells.length >= withMlUse - 1) ? 1 : 0;
  }
  // A URI not typed yet: a first cell that is not the media is the split.
  if (uri < 0) uri = cells.length > 1 && !text ? 1 : index === 0 && cells.length === 1 ? 1 : 0;
  if (index === uri) {
    const inline = text && !cells[index].value.trim().startsWith('gs://');
    const kind = FORMATS[format].dataType;
    return inline
      ? { role: 'uri', name: 'TEXT_OR_GCS_PATH', description: 'Text of the document (inline), or the gs:// URI of a .txt file.' }
      : { role: 'uri', name: text ? 'TEXT_OR_GCS_PATH' : 'GCS_FILE_PATH', description: `Cloud Storage URI of the ${kind === 'text' ? '.txt file' : kind}.` };
  }
  if (index === uri - 1 && uri === 1) {
    const values = FORMATS[format].mlUseValues;
    const list = values.length === 2 ? `${values[0]} or ${values[1]}` : `${values.slice(0, -1).join(', ')} or ${values[values.length - 1]}`;
    return { role: 'mlUse', name: 'ML_USE', description: `Split (ml_use): ${list}; empty lets Vertex AI assign it.` };
  }
  if (index <= uri) return { role: 'other' };
  // Multi-label rows: every column after the path is a label.
  if (format.endsWith('multi-label')) return MULTI_LABEL;
  const column = columnsAfterMedia(format, cells.length - uri - 1)[index - uri - 1];
  return column ? { role: 'other', ...column } : { role: 'other' };
}

/** The tabular settings that give columns a role (the CLI's --target, --weight... flags). */
export type TabularRoles = Pick<TabularSummary, 'target' | 'weight' | 'splitColumn' | 'timestampSplitColumn' | 'timeColumn' | 'seriesColumn' | 'objective'>;

/**
 * Cell `index` of a tabular CSV: on the header line, the rule for column names; on a data row, the
 * column's name from the header and its role from the tabular settings.
 */
export function tabularColumnAt(header: readonly CsvCell[], index: number, onHeader: boolean, roles: TabularRoles): CsvColumn {
  if (onHeader) {
    return { role: 'other', description: 'Column name: letters, digits and underscores, not starting with an underscore, unique in the header.' };
  }
  const name = header[index]?.value;
  if (name === undefined) return { role: 'other', description: `This row has more cells than the header has columns (${header.length}).` };
  const numeric = roles.objective === 'regression' || roles.objective === 'forecasting';
  const role =
    name === roles.target
      ? `The target column (vertexDatasets.tabular.target): the value to predict, never empty${numeric ? ', a number' : ''}.`
      : name === roles.weight
        ? 'The weight column (vertexDatasets.tabular.weight): a number from 0 to 10,000; 0 leaves the row out of training.'
        : name === roles.splitColumn
          ? 'The split column (vertexDatasets.tabular.splitColumn): training, validation or test; rows with another value are left out.'
          : name === roles.timestampSplitColumn
            ? 'The timestamp split column (vertexDatasets.tabular.timestampSplitColumn): an RFC 3339 time in UTC, like 2024-04-12T23:20:50Z.'
            : name === roles.timeColumn
              ? 'The time column (vertexDatasets.tabular.timeColumn): the time of the row, in every row.'
              : name === roles.seriesColumn
                ? 'The time series identifier column (vertexDatasets.tabular.seriesColumn): the series of the row, in every row.'
                : 'A feature column.';
  // The split column takes the ml_use values: completion offers them as in a layout's first column.
  return { role: name === roles.splitColumn ? 'mlUse' : 'other', header: name, description: role };
}

/**
 * Labels a label completion in cell `index` of a multi-label row should leave out: those of the
 * row's other label cells (the same label twice in a row is a repeat, `label.duplicate`).
 */
export function csvLabelsInRow(format: FormatId, cells: readonly CsvCell[], index: number): Set<string> {
  const out = new Set<string>();
  if (!format.endsWith('multi-label')) return out;
  for (const c of cells) if (c.index !== index && c.value !== '' && csvCellRole(format, cells, c.index) === 'label') out.add(c.value);
  return out;
}
