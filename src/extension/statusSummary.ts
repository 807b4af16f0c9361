/** Texts of the status bar item and the format picker, kept free of `vscode` so plain Node tests reach them. */
import { plural } from '../core/plural';

/** The counts line of the status bar tooltip: "1 item, 1 error, 0 warnings". */
export function statusCounts(items: number, errors: number, warnings: number): string {
  return `${plural(items, 'item')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}

/** What decides a file's format now: the user's choice for it, a `vertexDatasets.formats` entry, or neither. */
export interface CurrentFormat {
  /** A format id, or `none` (not an import file). */
  format: string;
  source: 'choice' | 'setting';
}

export interface PickMarks {
  /** Description of *Detect from content*. */
  detect: string | undefined;
  /** Description of a format's entry. */
  format(id: string): string;
  /** Description of *Not an import file*. */
  none: string;
}

/**
 * Which entry of the format picker is the file's current state. *Detect from content* forgets the
 * file's choice; when a `vertexDatasets.formats` entry applies, the file then gets that entry's
 * format, not detection, so detection is current only when neither applies.
 */
export function pickMarks(current: CurrentFormat | undefined): PickMarks {
  const why = current?.source === 'setting' ? 'current, from vertexDatasets.formats' : 'current';
  return {
    detect: current === undefined ? 'current' : current.source === 'setting' ? 'gives the vertexDatasets.formats entry here' : undefined,
    format: (id) => (current?.format === id ? `${id} (${why})` : id),
    none: current?.format === 'none' ? `do not validate this file (${why})` : 'do not validate this file',
  };
}
