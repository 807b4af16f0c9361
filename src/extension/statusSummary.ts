/** Texts of the status bar item, kept free of `vscode` so plain Node tests reach them. */
import { plural } from '../core/plural';

/** The counts line of the status bar tooltip: "1 item, 1 error, 0 warnings". */
export function statusCounts(items: number, errors: number, warnings: number): string {
  return `${plural(items, 'item')}, ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
}
